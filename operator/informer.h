// A shared informer for one collection: a Reflector feeds a Store, and every change is handed to
// the registered handlers in the order the server made it. After a relist the store is diffed
// against the snapshot: new objects are adds, changed ones updates, and objects that vanished
// while the watch was down become deletes. A resync period re-delivers every cached object as an
// update (old == new), like client-go's.
//
// Handlers do not run on the reflector's thread: each set of handlers is an EventListener with
// its own unbounded buffer and thread (event_listener.h), so a slow handler never stalls the
// watch or the cache, and one slow handler does not delay the others. The store is updated
// before the handlers hear of a change, so a handler always finds the object (or a newer
// version of it) in the store.
#pragma once

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "operator/clock.h"
#include "operator/event_listener.h"
#include "operator/reflector.h"
#include "operator/rest_client.h"
#include "operator/store.h"

namespace hvo::kube {

// Handlers that pass each object's "ns/name" key to `enqueue` (a controller's queue).
EventHandlers enqueue_keys(std::function<void(const std::string& key)> enqueue);

struct InformerOptions {
  ReflectorOptions reflector;
  Duration resync_period = Duration::zero();  // zero: no resync
  StoreLayout layout = StoreLayout::kParsed;  // kPacked for kinds that number in the thousands
  nlohmann::json packing_sample;              // with kPacked: a typical object (ObjectPacker)
  // Drop metadata.managedFields before caching (controller-runtime's
  // TransformStripManagedFields): a reconciler that never reads them need not keep them, and
  // they can be the bulk of an object.
  bool drop_managed_fields = false;
};

class SharedInformer final : private ReflectorSink {
 public:
  SharedInformer(RestClient& client, InformerOptions options, const Clock& clock = real_clock());
  ~SharedInformer() override;
  SharedInformer(const SharedInformer&) = delete;
  SharedInformer& operator=(const SharedInformer&) = delete;

  // Indices must be added before start().
  void add_index(const std::string& name, IndexFunc func) { store_.add_index(name, func); }
  void add_observer(StoreObserver observer) { store_.add_observer(std::move(observer)); }
  // A handler added after the informer synced first receives every cached object as an add.
  void add_event_handlers(EventHandlers handlers);
  // Notifications buffered for handlers and not yet delivered, over all listeners.
  std::size_t pending_notifications() const;

  void start();
  void stop();
  // True once the first complete LIST is in the store and every listener's handlers have
  // received it (client-go: informer synced and each registration's HasSynced).
  bool has_synced() const;
  // Blocks until synced or stopped; returns has_synced().
  bool wait_for_sync();

  const Store& store() const { return store_; }
  std::string last_resource_version() const { return reflector_.last_resource_version(); }
  const GroupVersionResource& resource() const { return options_.reflector.gvr; }

 private:
  void begin_list() override;
  void list_page(std::vector<nlohmann::json> items) override;
  void end_list(const std::string& resource_version) override;
  void apply(WatchEventType type, nlohmann::json object) override;
  // What options_ say to drop before an object is cached.
  void trim(nlohmann::json& object) const;
  void run_resync();
  void notify_all_locked(const Notification& notification);
  // Listeners are only ever added and live as long as the informer, so these stay valid.
  std::vector<EventListener*> listeners() const;

  InformerOptions options_;
  const Clock& clock_;
  Store store_;
  Reflector reflector_;

  // Held while the store changes and notifications are appended, so every listener gets them in
  // the server's order and a listener added late gets a consistent replay.
  mutable std::mutex deliver_mu_;
  std::vector<std::unique_ptr<EventListener>> listeners_;
  // The list under way (reflector thread, under deliver_mu_): keys listed so far, and what was
  // delivered since the last complete list.
  std::unordered_set<std::string> listed_;
  int list_added_ = 0;
  int list_updated_ = 0;

  mutable std::mutex state_mu_;
  std::condition_variable state_cv_;
  bool synced_ = false;
  bool stopped_ = false;
  std::thread resync_thread_;
};

}  // namespace hvo::kube
