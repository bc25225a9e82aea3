#include "tools/apiserver-lite/registry/resource_registry.h"

#include <algorithm>
#include <mutex>

namespace hvo::apiserver {

void ResourceRegistry::add(ResourceType type) {
  auto added = std::make_shared<const ResourceType>(std::move(type));
  std::unique_lock<std::shared_mutex> lock(mu_);
  auto same = [&](const ResourceTypePtr& t) {
    return t->group == added->group && t->version == added->version && t->plural == added->plural;
  };
  types_.erase(std::remove_if(types_.begin(), types_.end(), same), types_.end());
  types_.push_back(std::move(added));
  ++revision_;
}

void ResourceRegistry::set_crd_versions(const std::string& crd_name,
                                        std::vector<ResourceType> versions) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  auto from_crd = [&](const ResourceTypePtr& t) { return t->custom && t->crd_name == crd_name; };
  types_.erase(std::remove_if(types_.begin(), types_.end(), from_crd), types_.end());
  for (auto& version : versions) {
    types_.push_back(std::make_shared<const ResourceType>(std::move(version)));
  }
  ++revision_;
}

ResourceTypePtr ResourceRegistry::find(const std::string& group, const std::string& version,
                                       const std::string& plural) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  for (const auto& type : types_) {
    if (type->group == group && type->version == version && type->plural == plural)
      return type;
  }
  return nullptr;
}

ResourceTypePtr ResourceRegistry::find_any_version(const std::string& group,
                                                   const std::string& plural) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  for (const auto& type : types_) {
    if (type->group == group && type->plural == plural)
      return type;
  }
  return nullptr;
}

std::vector<ResourceTypePtr> ResourceRegistry::all() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return types_;
}

uint64_t ResourceRegistry::revision() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return revision_;
}

}  // namespace hvo::apiserver
