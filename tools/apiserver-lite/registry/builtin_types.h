// The built-in resources the emulator serves besides custom resources: core v1 Namespace, Secret,
// ConfigMap, ServiceAccount, Event; events.k8s.io/v1 Event; coordination.k8s.io/v1 Lease;
// rbac.authorization.k8s.io/v1 roles and bindings; apiextensions.k8s.io/v1 CRDs.
#pragma once

#include <vector>

#include "tools/apiserver-lite/registry/resource_type.h"

namespace hvo::apiserver {

std::vector<ResourceType> builtin_types();

inline constexpr const char* kCrdGroup = "apiextensions.k8s.io";
inline constexpr const char* kCrdPlural = "customresourcedefinitions";

}  // namespace hvo::apiserver
