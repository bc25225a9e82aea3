#include "tools/apiserver-lite/authz/rbac_policy.h"

#include <algorithm>
#include <functional>
#include <set>

#include "api/k8s/label_selector.h"

namespace hvo::apiserver::authz {

using nlohmann::json;

namespace {

const std::vector<PolicyRule> kNoRules;

std::string text(const json& object, const char* member) {
  auto found = object.find(member);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

const json& member(const json& object, const char* name) {
  static const json kNull;
  if (!object.is_object())
    return kNull;
  auto found = object.find(name);
  return found == object.end() ? kNull : *found;
}

// The label selectors of an aggregationRule; nullopt when the role does not aggregate.
std::optional<std::vector<k8s::LabelSelector>> aggregation_selectors(const json& role) {
  const json& rule = member(role, "aggregationRule");
  if (!rule.is_object())
    return std::nullopt;
  std::vector<k8s::LabelSelector> selectors;
  const json& list = member(rule, "clusterRoleSelectors");
  if (list.is_array()) {
    for (const auto& item : list) {
      k8s::FieldErrors errors;
      k8s::LabelSelector selector;
      k8s::decode(item, "aggregationRule.clusterRoleSelectors", errors, selector);
      if (errors.empty())
        selectors.push_back(std::move(selector));
    }
  }
  return selectors;
}

std::string role_description(const std::string& kind, const std::string& ns,
                             const std::string& name) {
  // Upstream names a RoleBinding "NAME/NS".
  return kind + " \"" + (ns.empty() ? name : name + "/" + ns) + "\"";
}

std::string subject_description(const json& subject) {
  const std::string kind = text(subject, "kind");
  std::string name = text(subject, "name");
  if (kind == "ServiceAccount" && !text(subject, "namespace").empty())
    name = text(subject, "namespace") + "/" + name;
  return kind + " \"" + name + "\"";
}

}  // namespace

bool subject_matches(const json& subject, const std::string& user,
                     const std::vector<std::string>& groups, const std::string& binding_ns) {
  if (!subject.is_object())
    return false;
  const std::string kind = text(subject, "kind");
  const std::string name = text(subject, "name");
  if (kind == "User")
    return name == user;
  if (kind == "Group")
    return std::find(groups.begin(), groups.end(), name) != groups.end();
  if (kind == "ServiceAccount") {
    std::string ns = text(subject, "namespace");
    if (ns.empty())
      ns = binding_ns;
    return !ns.empty() && user == "system:serviceaccount:" + ns + ":" + name;
  }
  return false;
}

RbacPolicy::RbacPolicy(const RbacObjects& objects) {
  // Aggregated ClusterRoles first: their rules are the union (without repeats) of the rules of
  // every other ClusterRole a selector matches, themselves aggregated when they aggregate.
  std::set<std::string> resolving;
  std::function<const std::vector<PolicyRule>&(const std::string&)> resolve =
      [&](const std::string& name) -> const std::vector<PolicyRule>& {
    auto done = cluster_role_rules_.find(name);
    if (done != cluster_role_rules_.end())
      return done->second;
    auto role = objects.cluster_roles.find(name);
    if (role == objects.cluster_roles.end() || !resolving.insert(name).second)
      return kNoRules;  // absent, or a cycle of aggregations: nothing more from here
    std::vector<PolicyRule> rules;
    if (auto selectors = aggregation_selectors(role->second)) {
      for (const auto& [other, object] : objects.cluster_roles) {
        if (other == name)
          continue;
        const auto labels = labels_of(object);
        const bool selected =
            std::any_of(selectors->begin(), selectors->end(),
                        [&](const k8s::LabelSelector& s) { return k8s::matches(s, labels); });
        if (!selected)
          continue;
        for (const auto& rule : resolve(other)) {
          if (std::find(rules.begin(), rules.end(), rule) == rules.end())
            rules.push_back(rule);
        }
      }
    } else {
      rules = parse_rules(member(role->second, "rules"));
    }
    resolving.erase(name);
    return cluster_role_rules_[name] = std::move(rules);
  };
  for (const auto& [name, role] : objects.cluster_roles)
    resolve(name);
  for (const auto& [key, role] : objects.roles)
    role_rules_[key] = parse_rules(member(role, "rules"));

  auto binding_of = [](const std::string& kind, const json& object) {
    Binding binding;
    binding.kind = kind;
    const json& metadata = member(object, "metadata");
    binding.ns = text(metadata, "namespace");
    binding.name = text(metadata, "name");
    const json& ref = member(object, "roleRef");
    binding.role_kind = text(ref, "kind");
    binding.role_name = text(ref, "name");
    binding.subjects = member(object, "subjects");
    return binding;
  };
  for (const auto& [key, object] : objects.cluster_role_bindings) {
    Binding binding = binding_of("ClusterRoleBinding", object);
    binding.ns.clear();
    if (binding.role_kind == "ClusterRole")  // a ClusterRoleBinding may only name a ClusterRole
      cluster_bindings_.push_back(std::move(binding));
  }
  for (const auto& [key, object] : objects.role_bindings) {
    Binding binding = binding_of("RoleBinding", object);
    bindings_by_ns_[binding.ns].push_back(std::move(binding));
  }
}

const std::vector<PolicyRule>& RbacPolicy::cluster_role_rules(const std::string& name) const {
  auto found = cluster_role_rules_.find(name);
  return found == cluster_role_rules_.end() ? kNoRules : found->second;
}

bool RbacPolicy::role_ref_exists(const std::string& kind, const std::string& ns,
                                 const std::string& name) const {
  if (kind == "ClusterRole")
    return cluster_role_rules_.count(name) > 0;
  return kind == "Role" && !ns.empty() && role_rules_.count(ns + "/" + name) > 0;
}

const std::vector<PolicyRule>& RbacPolicy::role_ref_rules(const std::string& kind,
                                                          const std::string& ns,
                                                          const std::string& name) const {
  if (kind == "ClusterRole")
    return cluster_role_rules(name);
  if (kind == "Role" && !ns.empty()) {
    auto found = role_rules_.find(ns + "/" + name);
    if (found != role_rules_.end())
      return found->second;
  }
  return kNoRules;
}

const std::vector<PolicyRule>& RbacPolicy::rules_of(const Binding& binding) const {
  return role_ref_rules(binding.role_kind, binding.ns, binding.role_name);
}

const json* RbacPolicy::matching_subject(const Binding& binding, const std::string& user,
                                         const std::vector<std::string>& groups) const {
  if (!binding.subjects.is_array())
    return nullptr;
  for (const auto& subject : binding.subjects) {
    if (subject_matches(subject, user, groups, binding.ns))
      return &subject;
  }
  return nullptr;
}

Decision RbacPolicy::authorize(const RequestAttributes& request) const {
  if (std::find(request.groups.begin(), request.groups.end(), kMastersGroup) !=
      request.groups.end()) {
    return Decision{true, ""};
  }
  auto try_bindings = [&](const std::vector<Binding>& bindings) -> std::optional<Decision> {
    for (const auto& binding : bindings) {
      const json* subject = matching_subject(binding, request.user, request.groups);
      if (!subject)
        continue;
      for (const auto& rule : rules_of(binding)) {
        if (rule_allows(request, rule)) {
          return Decision{true, "RBAC: allowed by " +
                                    role_description(binding.kind, binding.ns, binding.name) +
                                    " of " + binding.role_kind + " \"" + binding.role_name +
                                    "\" to " + subject_description(*subject)};
        }
      }
    }
    return std::nullopt;
  };
  if (auto allowed = try_bindings(cluster_bindings_))
    return *allowed;
  // A RoleBinding grants only inside its namespace (and nothing to cluster-scoped requests).
  if (!request.ns.empty()) {
    auto in_ns = bindings_by_ns_.find(request.ns);
    if (in_ns != bindings_by_ns_.end()) {
      if (auto allowed = try_bindings(in_ns->second))
        return *allowed;
    }
  }
  return Decision{false, ""};
}

std::vector<PolicyRule> RbacPolicy::rules_for(const std::string& user,
                                              const std::vector<std::string>& groups,
                                              const std::string& ns) const {
  std::vector<PolicyRule> rules;
  auto collect = [&](const std::vector<Binding>& bindings) {
    for (const auto& binding : bindings) {
      if (!matching_subject(binding, user, groups))
        continue;
      const auto& granted = rules_of(binding);
      rules.insert(rules.end(), granted.begin(), granted.end());
    }
  };
  collect(cluster_bindings_);
  auto in_ns = bindings_by_ns_.find(ns);
  if (!ns.empty() && in_ns != bindings_by_ns_.end())
    collect(in_ns->second);
  return rules;
}

}  // namespace hvo::apiserver::authz
