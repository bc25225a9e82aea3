#include "tools/apiserver-lite/authz/access_reviews.h"

#include <memory>

#include "tools/apiserver-lite/rest/api_error.h"

namespace hvo::apiserver::authz {

using nlohmann::json;

namespace {

struct ReviewKind {
  const char* plural;
  const char* kind;
  bool namespaced;
};

constexpr ReviewKind kReviews[] = {
    {"localsubjectaccessreviews", "LocalSubjectAccessReview", true},
    {"selfsubjectaccessreviews", "SelfSubjectAccessReview", false},
    {"selfsubjectrulesreviews", "SelfSubjectRulesReview", false},
    {"subjectaccessreviews", "SubjectAccessReview", false},
};

std::string text(const json& object, const char* member) {
  if (!object.is_object())
    return "";
  auto found = object.find(member);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

std::vector<std::string> texts(const json& object, const char* member) {
  std::vector<std::string> out;
  if (!object.is_object() || !object.contains(member) || !object[member].is_array())
    return out;
  for (const auto& item : object[member]) {
    if (item.is_string())
      out.push_back(item.get<std::string>());
  }
  return out;
}

// 422 as apierrors.NewInvalid words it, for one field.
ApiError invalid_review(const ReviewKind& review, const std::string& field,
                        const std::string& value, const std::string& detail) {
  const std::string cause = "Invalid value: " + value + ": " + detail;
  return ApiError(
      422, "Invalid",
      std::string(review.kind) + "." + kAuthorizationGroup + " \"\" is invalid: " + field + ": " +
          cause,
      {{"group", kAuthorizationGroup},
       {"kind", review.kind},
       {"causes",
        json::array({{{"reason", "FieldValueInvalid"}, {"message", cause}, {"field", field}}})}});
}

// The attributes a review's spec asks about, for `user` and `groups`.
RequestAttributes asked(const ReviewKind& review, const json& spec, const std::string& user,
                        const std::vector<std::string>& groups) {
  const json resource = spec.value("resourceAttributes", json());
  const json non_resource = spec.value("nonResourceAttributes", json());
  if (resource.is_object() == non_resource.is_object()) {
    throw invalid_review(review, "spec.resourceAttributes", resource.is_object() ? "{...}" : "null",
                         resource.is_object()
                             ? "cannot be specified in combination with resourceAttributes"
                             : "exactly one of nonResourceAttributes or resourceAttributes must "
                               "be specified");
  }
  RequestAttributes attributes;
  attributes.user = user;
  attributes.groups = groups;
  if (non_resource.is_object()) {
    attributes.verb = text(non_resource, "verb");
    attributes.path = text(non_resource, "path");
    return attributes;
  }
  attributes.resource_request = true;
  attributes.verb = text(resource, "verb");
  attributes.api_group = text(resource, "group");
  attributes.api_version = text(resource, "version");
  attributes.resource = text(resource, "resource");
  attributes.subresource = text(resource, "subresource");
  attributes.ns = text(resource, "namespace");
  attributes.name = text(resource, "name");
  return attributes;
}

json answered(const ReviewKind& review, json body, json status) {
  body["apiVersion"] = std::string(kAuthorizationGroup) + "/v1";
  body["kind"] = review.kind;
  if (!body.contains("metadata") || !body["metadata"].is_object())
    body["metadata"] = json::object();
  body["status"] = std::move(status);
  return body;
}

json access_status(const Decision& decision) {
  json status = {{"allowed", decision.allowed}};
  if (!decision.reason.empty())
    status["reason"] = decision.reason;
  return status;
}

json rules_status(const std::vector<PolicyRule>& rules) {
  json resource_rules = json::array();
  json non_resource_rules = json::array();
  for (const auto& rule : rules) {
    if (!rule.non_resource_urls.empty()) {
      non_resource_rules.push_back(
          {{"verbs", rule.verbs}, {"nonResourceURLs", rule.non_resource_urls}});
    }
    if (!rule.resources.empty()) {
      json entry = {
          {"verbs", rule.verbs}, {"apiGroups", rule.api_groups}, {"resources", rule.resources}};
      if (!rule.resource_names.empty())
        entry["resourceNames"] = rule.resource_names;
      resource_rules.push_back(std::move(entry));
    }
  }
  return {{"resourceRules", resource_rules},
          {"nonResourceRules", non_resource_rules},
          {"incomplete", false}};
}

}  // namespace

std::vector<ResourceTypePtr> access_review_types() {
  std::vector<ResourceTypePtr> types;
  for (const auto& review : kReviews) {
    auto type = std::make_shared<ResourceType>();
    type->group = kAuthorizationGroup;
    type->version = "v1";
    type->kind = review.kind;
    type->plural = review.plural;
    type->namespaced = review.namespaced;
    type->verbs = {"create"};
    types.push_back(std::move(type));
  }
  return types;
}

json answer_review(const std::string& plural, const std::string& ns, const json& body,
                   const RequestAttributes& requester, RbacAuthorizer& authorizer) {
  const ReviewKind* review = nullptr;
  for (const auto& candidate : kReviews) {
    if (plural == candidate.plural && candidate.namespaced == !ns.empty())
      review = &candidate;
  }
  if (!review)
    throw path_not_found("/apis/authorization.k8s.io/v1/" + plural);
  if (!body.is_object() || text(body, "kind") != review->kind)
    throw bad_request("the body of a " + plural + " request must be a " + review->kind);
  const json spec = body.value("spec", json::object());

  if (plural == "selfsubjectrulesreviews") {
    return answered(*review, body,
                    rules_status(authorizer.rules_for(requester.user, requester.groups,
                                                      text(spec, "namespace"))));
  }
  if (plural == "selfsubjectaccessreviews") {
    const auto attributes = asked(*review, spec, requester.user, requester.groups);
    return answered(*review, body, access_status(authorizer.authorize(attributes)));
  }
  // SubjectAccessReview and LocalSubjectAccessReview ask about spec.user/spec.groups exactly
  // as given (no system:authenticated added).
  const std::string user = text(spec, "user");
  const std::vector<std::string> groups = texts(spec, "groups");
  if (user.empty() && groups.empty()) {
    throw invalid_review(*review, "spec.user", "\"\"",
                         "at least one of user or group must be specified");
  }
  auto attributes = asked(*review, spec, user, groups);
  if (!ns.empty()) {
    if (!attributes.resource_request) {
      throw invalid_review(*review, "spec.nonResourceAttributes", "{...}",
                           "disallowed on this kind of request");
    }
    if (attributes.ns != ns) {
      throw invalid_review(*review, "spec.resourceAttributes.namespace",
                           "\"" + attributes.ns + "\"", "must match metadata.namespace");
    }
  }
  json answer = answered(*review, body, access_status(authorizer.authorize(attributes)));
  if (!ns.empty())
    answer["metadata"]["namespace"] = ns;
  return answer;
}

}  // namespace hvo::apiserver::authz
