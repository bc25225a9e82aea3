// The emulator's stand-in for kube-controller-manager's clusterrole-aggregation controller:
// whenever the RBAC cache sees a ClusterRole change, every ClusterRole with an aggregationRule
// gets the union of its selected roles' rules (aggregated_rules.h) written into its `rules`, by a
// server-side apply forced as field manager `clusterrole-aggregation-controller`, through the
// object store (so watches and the cache see it). Nothing is written when the rules are already
// those; the cache's report of the controller's own write finds them equal, which ends the loop.
// Runs on its own thread so the watch hub's delivery never waits for etcd.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "tools/apiserver-lite/authz/rbac_cache.h"
#include "tools/apiserver-lite/registry/resource_registry.h"
#include "tools/apiserver-lite/storage/object_store.h"

namespace hvo::apiserver::authz {

inline constexpr const char* kAggregationManager = "clusterrole-aggregation-controller";

class AggregationController {
 public:
  // Registers with `cache` (before the cache starts, so its first listing triggers a pass).
  AggregationController(ObjectStore& store, const ResourceRegistry& registry, RbacCache& cache);
  ~AggregationController();
  AggregationController(const AggregationController&) = delete;
  AggregationController& operator=(const AggregationController&) = delete;

 private:
  // Shared with the cache's listener, which may outlive the controller.
  struct Signal {
    std::mutex mu;
    std::condition_variable changed;
    bool dirty = false;
    bool stopped = false;
  };
  void run();
  // One pass over every aggregating ClusterRole; false when a write failed for a reason other
  // than a conflict (the cache reports the newer object, which triggers another pass).
  bool sync_all();

  ObjectStore& store_;
  RbacCache& cache_;
  ResourceTypePtr type_;  // clusterroles
  std::shared_ptr<Signal> signal_;
  std::thread worker_;
};

}  // namespace hvo::apiserver::authz
