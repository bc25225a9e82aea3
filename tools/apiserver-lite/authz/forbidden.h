// The 403 kube-apiserver answers when the authorizer denies a request
// (responsewriters.Forbidden + apierrors.NewForbidden):
//   virtualmachines.hyperv.operator.io is forbidden: User "bob" cannot list resource
//   "virtualmachines" in API group "hyperv.operator.io" in the namespace "t2"
//   namespaces "x" is forbidden: User "bob" cannot get resource "namespaces" in API group ""
//   at the cluster scope
//   forbidden: User "bob" cannot get path "/metrics"
// with details {group, kind: <resource>, name}.
#pragma once

#include <string>

#include "tools/apiserver-lite/authz/policy_rule.h"
#include "tools/apiserver-lite/rest/api_error.h"

namespace hvo::apiserver::authz {

// `reason` is the authorizer's (appended after ": " when not empty).
ApiError forbidden_request(const RequestAttributes& request, const std::string& reason = "");

}  // namespace hvo::apiserver::authz
