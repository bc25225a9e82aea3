#include "tools/apiserver-lite/authz/rbac_cache.h"

#include <spdlog/spdlog.h>

#include "tools/apiserver-lite/storage/key_layout.h"

namespace hvo::apiserver::authz {

using nlohmann::json;

namespace {

constexpr const char* kGroup = "rbac.authorization.k8s.io";
constexpr const char* kPlurals[] = {"roles", "clusterroles", "rolebindings", "clusterrolebindings"};
constexpr std::size_t kClusterRoles = 1;  // index in kPlurals

// "NS/NAME" or "NAME", as RbacObjects keys its maps.
std::string key_of(const json& object) {
  const json metadata = object.value("metadata", json::object());
  const std::string name = metadata.value("name", "");
  const std::string ns = metadata.value("namespace", "");
  return ns.empty() ? name : ns + "/" + name;
}

std::map<std::string, json>& map_of(RbacObjects& objects, std::size_t kind) {
  switch (kind) {
    case 0:
      return objects.roles;
    case 1:
      return objects.cluster_roles;
    case 2:
      return objects.role_bindings;
    default:
      return objects.cluster_role_bindings;
  }
}

}  // namespace

// Shared with the subscribers, which the hub may hold after the cache is gone.
struct RbacCache::State {
  std::mutex mu;
  RbacObjects objects;
  std::shared_ptr<const RbacPolicy> policy;  // null: rebuild before use
  int generation = 0;                        // bumped by every relist; older subscribers stop
  bool resync = false;                       // a subscriber lost history: relist
  bool stopped = false;
  std::function<void()> cluster_roles_changed;  // may be empty
};

class RbacCache::Subscriber : public WatchSubscriber {
 public:
  Subscriber(std::shared_ptr<State> state, std::size_t kind, int generation, int64_t after)
      : state_(std::move(state)), kind_(kind), generation_(generation), position_(after) {}

  bool deliver(const StoredChange& change) override {
    std::lock_guard<std::mutex> lock(state_->mu);
    if (!current())
      return false;
    auto& objects = map_of(state_->objects, kind_);
    if (change.current) {
      // As a list serves it: with resourceVersion (the write's revision), which the aggregation
      // controller's compare-and-swap needs.
      json object = *change.current;
      object["metadata"]["resourceVersion"] = std::to_string(change.revision);
      const std::string key = key_of(object);
      objects[key] = std::move(object);
    } else if (change.previous) {
      objects.erase(key_of(*change.previous));
    }
    state_->policy.reset();
    if (kind_ == kClusterRoles && state_->cluster_roles_changed)
      state_->cluster_roles_changed();
    position_ = change.revision;
    return true;
  }
  bool tick(std::chrono::steady_clock::time_point, int64_t progress) override {
    std::lock_guard<std::mutex> lock(state_->mu);
    position_ = std::max(position_, progress);
    return current();
  }
  int64_t position() const override { return position_; }
  void expire(const std::string& message) override {
    std::lock_guard<std::mutex> lock(state_->mu);
    if (!current())
      return;
    spdlog::warn("rbac_cache_expired kind={} message={}", kPlurals[kind_], message);
    state_->resync = true;
  }

 private:
  bool current() const { return !state_->stopped && state_->generation == generation_; }

  std::shared_ptr<State> state_;
  const std::size_t kind_;
  const int generation_;
  int64_t position_;
};

RbacCache::RbacCache(ObjectStore& store, WatchHub& hub, const ResourceRegistry& registry)
    : store_(store), hub_(hub), state_(std::make_shared<State>()) {
  for (const char* plural : kPlurals)
    types_.push_back(registry.find(kGroup, "v1", plural));
}

RbacCache::~RbacCache() {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->stopped = true;
}

void RbacCache::on_cluster_roles_changed(std::function<void()> listener) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->cluster_roles_changed = std::move(listener);
}

std::map<std::string, json> RbacCache::cluster_roles() {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->objects.cluster_roles;
}

Result<ListPage> RbacCache::list(std::size_t kind) {
  if (!types_[kind])
    return Error(ErrorCode::kInternal, std::string("RBAC resource not served: ") + kPlurals[kind]);
  auto page = store_.list(*types_[kind], "", "", 0, 0, nullptr);
  if (!page.ok())
    return page.error().with_context(std::string("listing ") + kPlurals[kind]);
  return page;
}

Status RbacCache::start() {
  std::lock_guard<std::mutex> load_lock(load_mu_);
  int generation = 0;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    generation = ++state_->generation;  // the previous subscribers deliver nothing more
    state_->resync = false;
  }
  for (std::size_t kind = 0; kind < types_.size(); ++kind) {
    auto page = list(kind);
    if (!page.ok())
      return page.error();
    {
      // The list first, then the changes after its revision on top (the hub replays those
      // from its window when the subscription starts).
      std::lock_guard<std::mutex> lock(state_->mu);
      auto& objects = map_of(state_->objects, kind);
      objects.clear();
      for (auto& item : page->items) {
        const std::string key = key_of(item);  // before the move: `=` evaluates its right first
        objects[key] = std::move(item);
      }
      state_->policy.reset();
      if (kind == kClusterRoles && state_->cluster_roles_changed)
        state_->cluster_roles_changed();
    }
    auto subscriber = std::make_shared<Subscriber>(state_, kind, generation, page->revision);
    Status subscribed =
        hub_.subscribe(collection_prefix(*types_[kind], ""), subscriber, page->revision);
    if (!subscribed.ok())
      return subscribed.error().with_context(std::string("watching ") + kPlurals[kind]);
  }
  return OkStatus();
}

Result<std::shared_ptr<const RbacPolicy>> RbacCache::policy() {
  bool resync = false;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    resync = state_->resync;
  }
  if (resync) {
    Status restarted = start();
    if (!restarted.ok())
      return restarted.error();
  }
  std::lock_guard<std::mutex> lock(state_->mu);
  if (!state_->policy)
    state_->policy = std::make_shared<const RbacPolicy>(state_->objects);
  return state_->policy;
}

Result<std::shared_ptr<const RbacPolicy>> RbacCache::read_through() {
  RbacObjects objects;
  for (std::size_t kind = 0; kind < types_.size(); ++kind) {
    auto page = list(kind);
    if (!page.ok())
      return page.error();
    for (auto& item : page->items) {
      const std::string key = key_of(item);
      map_of(objects, kind)[key] = std::move(item);
    }
  }
  return std::shared_ptr<const RbacPolicy>(std::make_shared<const RbacPolicy>(objects));
}

}  // namespace hvo::apiserver::authz
