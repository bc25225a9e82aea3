// A shared informer for one collection: a Reflector feeds a Store, and every change is handed to
// the registered handlers in the order the server made it. After a relist the store is diffed
// against the snapshot: new objects are adds, changed ones updates, and objects that vanished
// while the watch was down become deletes. Handlers run on the reflector's thread, one event at
// a time; they should only enqueue keys. A resync period re-delivers every cached object as an
// update (old == new), like client-go's.
#pragma once

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "operator/clock.h"
#include "operator/reflector.h"
#include "operator/rest_client.h"
#include "operator/store.h"

namespace hvo::kube {

struct EventHandlers {
  std::function<void(const nlohmann::json& object)> on_add;
  std::function<void(const nlohmann::json& old_object, const nlohmann::json& new_object)> on_update;
  std::function<void(const nlohmann::json& last_state)> on_delete;
};

// Handlers that pass each object's "ns/name" key to `enqueue` (a controller's queue).
EventHandlers enqueue_keys(std::function<void(const std::string& key)> enqueue);

struct InformerOptions {
  ReflectorOptions reflector;
  Duration resync_period = Duration::zero();  // zero: no resync
};

class SharedInformer final : private ReflectorSink {
 public:
  SharedInformer(RestClient& client, InformerOptions options, const Clock& clock = real_clock());
  ~SharedInformer() override;
  SharedInformer(const SharedInformer&) = delete;
  SharedInformer& operator=(const SharedInformer&) = delete;

  // Indices must be added before start().
  void add_index(const std::string& name, IndexFunc func) { store_.add_index(name, func); }
  // A handler added after the informer synced first receives every cached object as an add.
  void add_event_handlers(EventHandlers handlers);

  void start();
  void stop();
  // True once the first complete LIST is in the store and was handed to the handlers.
  bool has_synced() const;
  // Blocks until synced or stopped; returns has_synced().
  bool wait_for_sync();

  const Store& store() const { return store_; }
  std::string last_resource_version() const { return reflector_.last_resource_version(); }
  const GroupVersionResource& resource() const { return options_.reflector.gvr; }

 private:
  void replace(std::vector<nlohmann::json> items, const std::string& resource_version) override;
  void apply(WatchEventType type, nlohmann::json object) override;
  void run_resync();

  InformerOptions options_;
  const Clock& clock_;
  Store store_;
  Reflector reflector_;

  // Delivery: held while the store changes and handlers run, so handlers see changes in order
  // and a handler added late gets a consistent replay.
  std::mutex deliver_mu_;
  std::vector<EventHandlers> handlers_;

  mutable std::mutex state_mu_;
  std::condition_variable state_cv_;
  bool synced_ = false;
  bool stopped_ = false;
  std::thread resync_thread_;
};

}  // namespace hvo::kube
