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
      store_(options_.layout, options_.packing_sample),
      reflector_(client, options_.reflector, *this, clock) {}

SharedInformer::~SharedInformer() {
  stop();
}

void SharedInformer::add_event_handlers(EventHandlers handlers) {
  std::lock_guard<std::mutex> lock(deliver_mu_);
  auto listener = std::make_unique<EventListener>(std::move(handlers), resource().display());
  bool synced = false;
  {
    std::lock_guard<std::mutex> state(state_mu_);
    synced = synced_;
  }
  if (synced) {
    for (ObjectPtr& object : store_.list())
      listener->add(Notification{Notification::Type::kAdd, nullptr, std::move(object)});
    listener->mark_initial_state();
  }
  listeners_.push_back(std::move(listener));
}

std::size_t SharedInformer::pending_notifications() const {
  std::lock_guard<std::mutex> lock(deliver_mu_);
  std::size_t pending = 0;
  for (const auto& listener : listeners_)
    pending += listener->pending();
  return pending;
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
  // Without deliver_mu_: a handler being waited for may itself read from this informer.
  for (EventListener* listener : listeners())
    listener->stop();
}

std::vector<EventListener*> SharedInformer::listeners() const {
  std::lock_guard<std::mutex> lock(deliver_mu_);
  std::vector<EventListener*> out;
  for (const auto& listener : listeners_)
    out.push_back(listener.get());
  return out;
}

bool SharedInformer::has_synced() const {
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    if (!synced_)
      return false;
  }
  std::lock_guard<std::mutex> lock(deliver_mu_);
  for (const auto& listener : listeners_) {
    if (!listener->synced())
      return false;
  }
  return true;
}

bool SharedInformer::wait_for_sync() {
  {
    std::unique_lock<std::mutex> lock(state_mu_);
    state_cv_.wait(lock, [this] { return synced_ || stopped_; });
    if (!synced_)
      return false;
  }
  // Waiting without deliver_mu_ keeps the reflector free to go on.
  for (EventListener* listener : listeners()) {
    if (!listener->wait_for_sync())
      return false;
  }
  return true;
}

void SharedInformer::notify_all_locked(const Notification& notification) {
  for (auto& listener : listeners_)
    listener->add(notification);
}

void SharedInformer::begin_list() {
  std::lock_guard<std::mutex> lock(deliver_mu_);
  listed_.clear();  // the counts go on: what an abandoned list delivered was delivered
}

// Each page goes into the store as it arrives: listed objects only move forward to the
// snapshot's version, so a store part-way through a list is as consistent as one between watch
// events; only removals wait for the end.
void SharedInformer::list_page(std::vector<json> items) {
  std::lock_guard<std::mutex> lock(deliver_mu_);
  for (json& item : items) {
    trim(item);
    const std::string key = object_key(item);
    listed_.insert(key);
    auto object = std::make_shared<const json>(std::move(item));
    ObjectPtr previous = store_.upsert(key, object);
    if (!previous) {
      ++list_added_;
      notify_all_locked(Notification{Notification::Type::kAdd, nullptr, object});
    } else if (resource_version_of(*previous) != resource_version_of(*object)) {
      ++list_updated_;
      notify_all_locked(Notification{Notification::Type::kUpdate, previous, object});
    }
  }
}

void SharedInformer::end_list(const std::string& resource_version) {
  std::lock_guard<std::mutex> lock(deliver_mu_);
  int deleted = 0;
  for (const std::string& key : store_.keys()) {
    if (listed_.count(key) > 0)
      continue;
    // Deleted while we were not watching: the last state we knew is all there is.
    ObjectPtr gone = store_.remove(key);
    ++deleted;
    notify_all_locked(Notification{Notification::Type::kDelete, nullptr, gone});
  }
  spdlog::info("informer_replaced resource={} resourceVersion={} added={} updated={} deleted={}",
               resource().display(), resource_version, list_added_, list_updated_, deleted);
  listed_.clear();
  list_added_ = 0;
  list_updated_ = 0;
  std::lock_guard<std::mutex> state(state_mu_);
  if (!synced_) {
    // What the listeners hold now is the initial state they must deliver before has_synced().
    for (auto& listener : listeners_)
      listener->mark_initial_state();
    synced_ = true;
    state_cv_.notify_all();
  }
}

void SharedInformer::apply(WatchEventType type, json object) {
  trim(object);
  std::lock_guard<std::mutex> lock(deliver_mu_);
  const std::string key = object_key(object);
  auto stored = std::make_shared<const json>(std::move(object));
  if (type == WatchEventType::kDeleted) {
    store_.remove(key);
    notify_all_locked(Notification{Notification::Type::kDelete, nullptr, stored});
    return;
  }
  ObjectPtr previous = store_.upsert(key, stored);
  if (previous)
    notify_all_locked(Notification{Notification::Type::kUpdate, previous, stored});
  else
    notify_all_locked(Notification{Notification::Type::kAdd, nullptr, stored});
}

void SharedInformer::trim(json& object) const {
  if (!options_.drop_managed_fields)
    return;
  const auto metadata = object.find("metadata");
  if (metadata != object.end() && metadata->is_object())
    metadata->erase("managedFields");
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
      for (const ObjectPtr& object : store_.list())
        notify_all_locked(Notification{Notification::Type::kUpdate, object, object});
    }
    lock.lock();
  }
}

}  // namespace hvo::kube
