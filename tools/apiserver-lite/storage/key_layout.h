// The real API server's etcd key layout: /registry/<group>/<plural>/<namespace>/<name> for
// namespaced resources, /registry/<group>/<plural>/<name> for cluster-scoped ones (core and a few
// built-in groups omit <group>; ResourceType::storage_prefix carries the exact prefix).
#pragma once

#include <string>

#include "tools/apiserver-lite/registry/resource_type.h"

namespace hvo::apiserver {

std::string object_key(const ResourceType& type, const std::string& ns, const std::string& name);
// The prefix of every key of `type` in `ns` (all namespaces when empty), ending with '/'.
std::string collection_prefix(const ResourceType& type, const std::string& ns);

}  // namespace hvo::apiserver
