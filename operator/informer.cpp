#include "operator/informer.h"

#include <spdlog/spdlog.h>

#include <unordered_set>

namespace hvo::kube {

using nlohmann::json;

EventHandlers enqueue_keys(std::function<void(const std::string& key)> enqueue) {
  EventHandlers handlers;
  handlers.on_add = [enqueue](const json& object) { enqueue(object_key(object)); };
  handlers.on_update = [enqueue](const json&, const json& object) { enqueue(object_key(object)); };
  handlers.on_delete = [enqueue](const json& object) { enqueue(object_key(object)); };
  return handlers;
}

SharedInformer::SharedInformer(RestClient& client, InformerOptions options, const Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      reflector_(client, options_.reflector, *this, clock) {}

SharedInformer::~SharedInformer() {
  stop();
}

void SharedInformer::add_event_handlers(EventHandlers handlers) {
  std::lock_guard<std::mutex> lock(deliver_mu_);
  if (handlers.on_add) {
    for (const ObjectPtr& object : store_.list())
      handlers.on_add(*object);
  }
  handlers_.push_back(std::move(handlers));
}

void SharedInformer::start() {
  reflector_.start();
  std::lock_guard<std::mutex> lock(state_mu_);
  if (options_.resync_period > Duration::zero() && !resync_thread_.joinable() && !stopped_) {
    resync_thread_ = std::thread([this] { run_resync(); });
  }
}

void SharedInformer::stop() {
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    stopped_ = true;
    state_cv_.notify_all();
  }
  reflector_.stop();
  if (resync_thread_.joinable())
    resync_thread_.join();
}

bool SharedInformer::has_synced() const {
  std::lock_guard<std::mutex> lock(state_mu_);
  return synced_;
}

bool SharedInformer::wait_for_sync() {
  std::unique_lock<std::mutex> lock(state_mu_);
  state_cv_.wait(lock, [this] { return synced_ || stopped_; });
  return synced_;
}

void SharedInformer::replace(std::vector<json> items, const std::string& resource_version) {
  std::lock_guard<std::mutex> lock(deliver_mu_);
  std::unordered_set<std::string> listed;
  int added = 0, updated = 0, deleted = 0;
  for (json& item : items) {
    const std::string key = object_key(item);
    listed.insert(key);
    auto object = std::make_shared<const json>(std::move(item));
    ObjectPtr previous = store_.upsert(key, object);
    if (!previous) {
      ++added;
      for (auto& handlers : handlers_) {
        if (handlers.on_add)
          handlers.on_add(*object);
      }
    } else if (resource_version_of(*previous) != resource_version_of(*object)) {
      ++updated;
      for (auto& handlers : handlers_) {
        if (handlers.on_update)
          handlers.on_update(*previous, *object);
      }
    }
  }
  for (const std::string& key : store_.keys()) {
    if (listed.count(key) > 0)
      continue;
    // Deleted while we were not watching: the last state we knew is all there is.
    ObjectPtr gone = store_.remove(key);
    ++deleted;
    for (auto& handlers : handlers_) {
      if (handlers.on_delete)
        handlers.on_delete(*gone);
    }
  }
  spdlog::info("informer_replaced resource={} resourceVersion={} added={} updated={} deleted={}",
               resource().display(), resource_version, added, updated, deleted);
  std::lock_guard<std::mutex> state(state_mu_);
  if (!synced_) {
    synced_ = true;
    state_cv_.notify_all();
  }
}

void SharedInformer::apply(WatchEventType type, json object) {
  std::lock_guard<std::mutex> lock(deliver_mu_);
  const std::string key = object_key(object);
  if (type == WatchEventType::kDeleted) {
    store_.remove(key);
    for (auto& handlers : handlers_) {
      if (handlers.on_delete)
        handlers.on_delete(object);
    }
    return;
  }
  auto stored = std::make_shared<const json>(std::move(object));
  ObjectPtr previous = store_.upsert(key, stored);
  for (auto& handlers : handlers_) {
    if (previous && handlers.on_update)
      handlers.on_update(*previous, *stored);
    if (!previous && handlers.on_add)
      handlers.on_add(*stored);
  }
}

void SharedInformer::run_resync() {
  std::unique_lock<std::mutex> lock(state_mu_);
  while (true) {
    const SteadyTime next = clock_.now() + options_.resync_period;
    if (sleep_until_or(clock_, state_cv_, lock, next, [this] { return stopped_; }))
      return;
    if (!synced_)
      continue;
    lock.unlock();
    {
      std::lock_guard<std::mutex> deliver(deliver_mu_);
      for (const ObjectPtr& object : store_.list()) {
        for (auto& handlers : handlers_) {
          if (handlers.on_update)
            handlers.on_update(*object, *object);
        }
      }
    }
    lock.lock();
  }
}

}  // namespace hvo::kube
