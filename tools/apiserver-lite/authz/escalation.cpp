#include "tools/apiserver-lite/authz/escalation.h"

#include <algorithm>

#include "tools/apiserver-lite/rest/api_error.h"

namespace hvo::apiserver::authz {

using nlohmann::json;

namespace {

constexpr const char* kRbacGroup = "rbac.authorization.k8s.io";

std::string text(const json& object, const char* member) {
  if (!object.is_object())
    return "";
  auto found = object.find(member);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

// Whether the requester may `verb` (bind, escalate) the role `plural`/`name` in `ns`.
bool may(RbacAuthorizer& authorizer, const RequestAttributes& requester, const std::string& verb,
         const std::string& plural, const std::string& ns, const std::string& name) {
  RequestAttributes asked;
  asked.user = requester.user;
  asked.groups = requester.groups;
  asked.verb = verb;
  asked.resource_request = true;
  asked.api_group = kRbacGroup;
  asked.resource = plural;
  asked.ns = ns;
  asked.name = name;
  return authorizer.authorize(asked).allowed;
}

std::string quoted_groups(const std::vector<std::string>& groups) {
  std::string out = "[";
  for (std::size_t i = 0; i < groups.size(); ++i)
    out += (i ? " \"" : "\"") + groups[i] + "\"";
  return out + "]";
}

ApiError forbidden_write(const std::string& plural, const std::string& name,
                         const std::string& why) {
  return ApiError(403, "Forbidden",
                  plural + "." + kRbacGroup + " \"" + name + "\" is forbidden: " + why,
                  {{"name", name}, {"group", kRbacGroup}, {"kind", plural}});
}

// Throws unless the requester holds every rule `rules_of(policy)` lists, in `ns`. The cache is
// asked first, etcd when it finds something missing (a grant may have just been written).
template <typename RulesOf>
void confirm_held(const std::string& plural, const std::string& name, const std::string& ns,
                  const RequestAttributes& requester, RbacAuthorizer& authorizer,
                  const RulesOf& rules_of) {
  std::vector<PolicyRule> missing;
  for (const bool fresh : {false, true}) {
    const auto policy = authorizer.policy(fresh);
    missing =
        uncovered_rules(policy->rules_for(requester.user, requester.groups, ns), rules_of(*policy));
    if (missing.empty())
      return;
  }
  std::string listed;
  for (const auto& rule : missing)
    listed += "\n" + compact_string(rule);
  throw forbidden_write(
      plural, name,
      "user \"" + requester.user + "\" (groups=" + quoted_groups(requester.groups) +
          ") is attempting to grant RBAC permissions not currently held:" + listed);
}

}  // namespace

bool escalation_checked(const std::string& group, const std::string& plural) {
  return group == kRbacGroup && (plural == "roles" || plural == "clusterroles" ||
                                 plural == "rolebindings" || plural == "clusterrolebindings");
}

bool only_gc_fields_change(const json& old, const json& updated) {
  if (!old.is_object() || !updated.is_object())
    return false;
  json copied = updated;
  json& metadata = copied["metadata"];
  if (!metadata.is_object())
    metadata = json::object();
  const json old_metadata = old.value("metadata", json::object());
  for (const char* field : {"ownerReferences", "finalizers", "selfLink", "deletionTimestamp",
                            "deletionGracePeriodSeconds", "resourceVersion", "managedFields"}) {
    if (old_metadata.contains(field))
      metadata[field] = old_metadata[field];
    else
      metadata.erase(field);
  }
  return copied == old;
}

void confirm_no_escalation(const std::string& plural, const std::string& ns, const json& object,
                           const RequestAttributes& requester, RbacAuthorizer& authorizer,
                           const json* old) {
  if (std::find(requester.groups.begin(), requester.groups.end(), kMastersGroup) !=
      requester.groups.end()) {
    return;
  }
  if (old && only_gc_fields_change(*old, object))
    return;
  const std::string name = text(object.value("metadata", json::object()), "name");
  if (plural == "rolebindings" || plural == "clusterrolebindings") {
    const json ref = object.value("roleRef", json::object());
    const std::string kind = text(ref, "kind");
    const std::string role = text(ref, "name");
    const std::string role_plural = kind == "Role" ? "roles" : "clusterroles";
    if (may(authorizer, requester, "bind", role_plural, ns, role))
      return;
    // Upstream reads the role's rules next; a role that is not there fails that read.
    if (!authorizer.policy(false)->role_ref_exists(kind, ns, role) &&
        !authorizer.policy(true)->role_ref_exists(kind, ns, role)) {
      throw ApiError(404, "NotFound",
                     role_plural + "." + kRbacGroup + " \"" + role + "\" not found",
                     {{"name", role}, {"group", kRbacGroup}, {"kind", role_plural}});
    }
    confirm_held(plural, name, ns, requester, authorizer,
                 [&](const RbacPolicy& policy) { return policy.role_ref_rules(kind, ns, role); });
    return;
  }
  if (may(authorizer, requester, "escalate", plural, ns, name))
    return;
  std::vector<PolicyRule> rules;
  if (object.contains("rules") && object["rules"].is_array()) {
    for (const auto& rule : object["rules"])
      rules.push_back(parse_rule(rule));
  }
  confirm_held(plural, name, ns, requester, authorizer, [&](const RbacPolicy&) { return rules; });
  auto aggregates = [](const json* role) {
    return role && role->is_object() && role->contains("aggregationRule") &&
           (*role)["aggregationRule"].is_object();
  };
  if (aggregates(&object) || aggregates(old)) {
    const std::vector<PolicyRule> everything = {PolicyRule{{"*"}, {"*"}, {"*"}, {}, {}},
                                                PolicyRule{{"*"}, {}, {}, {}, {"*"}}};
    const auto held = authorizer.policy(true)->rules_for(requester.user, requester.groups, ns);
    if (!uncovered_rules(held, everything).empty())
      throw forbidden_write(plural, name,
                            "must have cluster-admin privileges to use the aggregationRule");
  }
}

}  // namespace hvo::apiserver::authz
