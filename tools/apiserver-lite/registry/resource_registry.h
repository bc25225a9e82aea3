// The set of resources the server serves right now: built-ins registered at start-up, custom
// resources added and removed as CRDs are written. Lookups are concurrent; a ResourceType handed
// out stays valid (shared_ptr) even if its CRD is deleted meanwhile.
#pragma once

#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "tools/apiserver-lite/registry/resource_type.h"

namespace hvo::apiserver {

using ResourceTypePtr = std::shared_ptr<const ResourceType>;

class ResourceRegistry {
 public:
  // Adds a resource or replaces the one with the same group/version/plural.
  void add(ResourceType type);
  // Replaces every version served from CRD `crd_name` with `versions` (empty: stop serving).
  void set_crd_versions(const std::string& crd_name, std::vector<ResourceType> versions);

  ResourceTypePtr find(const std::string& group, const std::string& version,
                       const std::string& plural) const;
  // Every served version of a group's resource with this plural (storage is shared by them).
  ResourceTypePtr find_any_version(const std::string& group, const std::string& plural) const;
  std::vector<ResourceTypePtr> all() const;
  // Increases on every change, so derived documents (OpenAPI) know when to rebuild.
  uint64_t revision() const;

 private:
  mutable std::shared_mutex mu_;
  std::vector<ResourceTypePtr> types_;
  uint64_t revision_ = 0;
};

}  // namespace hvo::apiserver
