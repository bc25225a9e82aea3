// Behaviour particular to a few built-in kinds, run around the generic writes:
// - CustomResourceDefinition: validated, given its status (NamesAccepted, Established) and
//   served at once; deleting one stops serving it and removes its custom resources.
// - Namespace: created Active with the "kubernetes" finalizer (added to the client's ones).
// - Secret: stringData folded into data; type defaults to Opaque.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "tools/apiserver-lite/registry/resource_registry.h"
#include "tools/apiserver-lite/storage/object_store.h"

namespace hvo::apiserver {

class LifecycleHooks {
 public:
  LifecycleHooks(ResourceRegistry& registry, ObjectStore& store)
      : registry_(registry), store_(store) {}

  // Throw ApiError to refuse the write.
  void before_create(const ResourceType& type, nlohmann::json& object, const std::string& now);
  void before_update(const ResourceType& type, nlohmann::json& updated, const std::string& now);
  void after_write(const ResourceType& type, const nlohmann::json& stored);
  void after_delete(const ResourceType& type, const nlohmann::json& last);

  // Serves every CRD stored in etcd (at start-up).
  Status load_stored_crds();

 private:
  void serve_crd(const nlohmann::json& crd);

  ResourceRegistry& registry_;
  ObjectStore& store_;
};

bool is_crd(const ResourceType& type);
bool is_namespace(const ResourceType& type);
bool is_secret(const ResourceType& type);

}  // namespace hvo::apiserver
