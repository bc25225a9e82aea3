// kube-apiserver's privilege-escalation prevention on RBAC writes (the policy-based storage of
// roles and bindings): creating or replacing a RoleBinding or ClusterRoleBinding needs `bind` on
// the role it references, or holding every permission that role grants (in the binding's
// namespace); creating or replacing a Role or ClusterRole needs `escalate` on it, or holding
// every rule it lists (an aggregationRule, before or after the write, needs everything:
// cluster-admin). system:masters may write anything. An update that changes only what the garbage
// collector needs (ownerReferences, finalizers, deletion fields) is not checked. A binding to a
// role that does not exist, by someone without `bind`, fails as upstream's rule lookup does: 404.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "tools/apiserver-lite/authz/policy_rule.h"
#include "tools/apiserver-lite/authz/rbac_authorizer.h"

namespace hvo::apiserver::authz {

// Whether `plural` of group rbac.authorization.k8s.io is one of the four guarded resources.
bool escalation_checked(const std::string& group, const std::string& plural);

// Throws ApiError 403 (upstream's message) when `requester` may not write `object`, a `plural`
// in `ns` ("" for cluster-scoped), in place of `old` (null for a create or when unknown).
void confirm_no_escalation(const std::string& plural, const std::string& ns,
                           const nlohmann::json& object, const RequestAttributes& requester,
                           RbacAuthorizer& authorizer, const nlohmann::json* old = nullptr);

// Whether `updated` differs from `old` only in the fields the garbage collector writes
// (upstream's IsOnlyMutatingGCFields; resourceVersion and managedFields are bookkeeping here).
bool only_gc_fields_change(const nlohmann::json& old, const nlohmann::json& updated);

}  // namespace hvo::apiserver::authz
