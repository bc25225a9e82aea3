// authorization.k8s.io/v1: the reviews `kubectl auth can-i` and webhooks ask the authorizer,
// answered as kube-apiserver does (nothing is stored; only create exists):
//   POST .../selfsubjectaccessreviews       may I?             (spec.resourceAttributes or
//   POST .../subjectaccessreviews           may spec.user?      spec.nonResourceAttributes)
//   POST .../namespaces/NS/localsubjectaccessreviews   may spec.user, in NS?
//   POST .../selfsubjectrulesreviews        what may I do in spec.namespace?
// The answer is the review sent back with `status` filled ({allowed, reason} or the rules).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/apiserver-lite/authz/policy_rule.h"
#include "tools/apiserver-lite/authz/rbac_authorizer.h"
#include "tools/apiserver-lite/registry/resource_registry.h"

namespace hvo::apiserver::authz {

inline constexpr const char* kAuthorizationGroup = "authorization.k8s.io";

// The four review resources as discovery lists them (verbs: create).
std::vector<ResourceTypePtr> access_review_types();

// Answers a review of resource `plural` posted to namespace `ns` by `requester`. Throws ApiError:
// 404 for another resource, 400 for a body that is not a review of that kind, 422 for a spec
// upstream's validation refuses.
nlohmann::json answer_review(const std::string& plural, const std::string& ns,
                             const nlohmann::json& body, const RequestAttributes& requester,
                             RbacAuthorizer& authorizer);

}  // namespace hvo::apiserver::authz
