// Semantic validation beyond what the CRD schema can express (or where the schema is not
// applied, e.g. objects built in code or read from files). Each function returns every problem
// with its field path, e.g. "spec.memory.dynamic.minimum: must not exceed spec.memory.startup";
// an empty list means valid. Callers turn the list into a condition message or an error with
// k8s::join / k8s::to_error.
#pragma once

#include "api/k8s/field_error.h"
#include "api/v1alpha1/hyperv_host_types.h"
#include "api/v1alpha1/quota_types.h"
#include "api/v1alpha1/tenant_types.h"
#include "api/v1alpha1/virtual_machine_types.h"

namespace hvo::api {

k8s::FieldErrors validate(const VirtualMachine& vm);
k8s::FieldErrors validate(const HyperVHost& host);
k8s::FieldErrors validate(const Tenant& tenant);
k8s::FieldErrors validate(const Quota& quota);

}  // namespace hvo::api
