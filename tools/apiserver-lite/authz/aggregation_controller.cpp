#include "tools/apiserver-lite/authz/aggregation_controller.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "tools/apiserver-lite/authz/aggregated_rules.h"
#include "tools/apiserver-lite/patch/server_side_apply.h"
#include "tools/apiserver-lite/rest/object_rules.h"
#include "tools/apiserver-lite/rest/resource_handler.h"

namespace hvo::apiserver::authz {

using nlohmann::json;

namespace {

constexpr const char* kApiVersion = "rbac.authorization.k8s.io/v1";

}  // namespace

AggregationController::AggregationController(ObjectStore& store, const ResourceRegistry& registry,
                                             RbacCache& cache)
    : store_(store),
      cache_(cache),
      type_(registry.find("rbac.authorization.k8s.io", "v1", "clusterroles")),
      signal_(std::make_shared<Signal>()) {
  std::weak_ptr<Signal> weak = signal_;
  cache_.on_cluster_roles_changed([weak] {
    if (auto signal = weak.lock()) {
      std::lock_guard<std::mutex> lock(signal->mu);
      signal->dirty = true;
      signal->changed.notify_one();
    }
  });
  worker_ = std::thread([this] { run(); });
}

AggregationController::~AggregationController() {
  {
    std::lock_guard<std::mutex> lock(signal_->mu);
    signal_->stopped = true;
    signal_->changed.notify_one();
  }
  worker_.join();
}

void AggregationController::run() {
  std::unique_lock<std::mutex> lock(signal_->mu);
  while (true) {
    signal_->changed.wait(lock, [this] { return signal_->dirty || signal_->stopped; });
    if (signal_->stopped)
      return;
    signal_->dirty = false;
    lock.unlock();
    const bool done = sync_all();
    lock.lock();
    if (!done) {
      // etcd refused a write: try again shortly (or at the next change).
      signal_->changed.wait_for(lock, std::chrono::seconds(1), [this] { return signal_->stopped; });
      signal_->dirty = true;
    }
  }
}

bool AggregationController::sync_all() {
  if (!type_)
    return true;
  const auto roles = cache_.cluster_roles();
  bool done = true;
  for (const auto& [name, role] : roles) {
    const auto rules = aggregated_rules(role, roles);
    if (!rules || same_rules(*rules, role.value("rules", json::array())))
      continue;
    const std::string version = role["metadata"].value("resourceVersion", "");
    int64_t expected = 0;
    try {
      expected = std::stoll(version);
    } catch (const std::exception&) {
      spdlog::warn("clusterrole_aggregation_skipped name={} resourceVersion={}", name, version);
      continue;  // the cache gives every object one
    }
    json updated;
    try {
      updated = server_side_apply(
          role,
          {{"apiVersion", kApiVersion},
           {"kind", "ClusterRole"},
           {"metadata", {{"name", name}}},
           {"rules", *rules}},
          ApplyRequest{kAggregationManager, kApiVersion, now_rfc3339(), /*force=*/true});
      prepare_for_update(*type_, role, updated);
    } catch (const std::exception& e) {
      spdlog::warn("clusterrole_aggregation_failed name={} error={}", name, e.what());
      continue;
    }
    auto written = store_.update(*type_, updated, expected);
    if (!written.ok() && written.error().code() != ErrorCode::kConflict &&
        written.error().code() != ErrorCode::kNotFound) {
      spdlog::warn("clusterrole_aggregation_write_failed name={} error={}", name,
                   written.error().message());
      done = false;
    }
  }
  return done;
}

}  // namespace hvo::apiserver::authz
