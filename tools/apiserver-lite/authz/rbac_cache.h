// The RBAC objects (Roles, ClusterRoles, RoleBindings, ClusterRoleBindings) kept in memory, as
// kube-apiserver's informers keep them for its RBAC authorizer: listed once, then kept current
// through the emulator's own watch hub, so authorizing a request reads no etcd. The policy is
// rebuilt (aggregation included) on the first request after a change. When the hub can no longer
// serve the cache contiguously (history compacted), the next request lists again.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "common/status.h"
#include "tools/apiserver-lite/authz/rbac_policy.h"
#include "tools/apiserver-lite/registry/resource_registry.h"
#include "tools/apiserver-lite/storage/object_store.h"
#include "tools/apiserver-lite/watch/watch_hub.h"

namespace hvo::apiserver::authz {

class RbacCache {
 public:
  // The registry must serve the four rbac.authorization.k8s.io/v1 resources.
  RbacCache(ObjectStore& store, WatchHub& hub, const ResourceRegistry& registry);
  ~RbacCache();
  RbacCache(const RbacCache&) = delete;
  RbacCache& operator=(const RbacCache&) = delete;

  // Called (from the watch hub's delivery, under the cache's lock: it must only signal) after a
  // ClusterRole was added, changed or removed, and after every listing. Set before start().
  void on_cluster_roles_changed(std::function<void()> listener);
  // Lists the four kinds and subscribes to their changes.
  Status start();
  // The ClusterRoles seen so far, by name (each with its resourceVersion).
  std::map<std::string, nlohmann::json> cluster_roles();
  // The policy of the objects seen so far (relisting first when the watch lost history).
  Result<std::shared_ptr<const RbacPolicy>> policy();
  // The policy of what etcd holds now, read directly. The cache trails a write by the time its
  // watch takes; a denial is confirmed here so a client that has just written a binding sees it
  // at once (the emulator's tests rely on that; kube's informers give no such promise).
  Result<std::shared_ptr<const RbacPolicy>> read_through();

 private:
  struct State;
  class Subscriber;
  // Every object of kind `kind` (an index into types_), read from etcd.
  Result<ListPage> list(std::size_t kind);

  ObjectStore& store_;
  WatchHub& hub_;
  std::vector<ResourceTypePtr> types_;  // roles, clusterroles, rolebindings, clusterrolebindings
  std::shared_ptr<State> state_;
  std::mutex load_mu_;  // one start at a time
};

}  // namespace hvo::apiserver::authz
