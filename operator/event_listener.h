// One informer listener with its own delivery queue and thread, like client-go's
// processorListener: the informer appends notifications without ever waiting for a handler, and
// the listener's thread hands them to its handlers in order.
//
// Why: handlers used to run on the reflector's thread. A slow handler (a lock held by a worker,
// a handler that lists another cache) then stopped the watch stream from being read: the
// transport kept buffering the server's events (an unbounded backlog in the client), the cache
// fell behind, and a relist could overrun the server's history window (410 → another relist).
// Now the reflector only updates the store and appends to each listener's buffer.
//
// The buffer is unbounded, as client-go's is: events must not be dropped (a missed delete is a
// leaked VM) and the reflector must not block. Its size is bounded in practice by the number of
// changes a handler falls behind; `pending()` exposes it.
#pragma once

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "operator/store.h"

namespace hvo::kube {

struct EventHandlers {
  std::function<void(const nlohmann::json& object)> on_add;
  std::function<void(const nlohmann::json& old_object, const nlohmann::json& new_object)> on_update;
  std::function<void(const nlohmann::json& last_state)> on_delete;
};

struct Notification {
  enum class Type { kAdd, kUpdate, kDelete };
  Type type;
  ObjectPtr old_object;  // kUpdate only
  ObjectPtr object;      // the new object, or the last state of a deleted one
};

class EventListener {
 public:
  // `name` is the informer's resource, for logs.
  EventListener(EventHandlers handlers, std::string name);
  ~EventListener();
  EventListener(const EventListener&) = delete;
  EventListener& operator=(const EventListener&) = delete;

  // Appends a notification; never blocks on the handlers. Ignored after stop().
  void add(Notification notification);
  // Marks everything added so far as this listener's initial state: synced() turns true once
  // it has all been handed to the handlers. The first call wins.
  void mark_initial_state();
  bool synced() const;
  // Blocks until synced() or stop(); returns synced().
  bool wait_for_sync() const;
  // Notifications added and not yet handed to the handlers.
  std::size_t pending() const;

  // Drops what is still buffered, waits for a running handler to return and joins the thread.
  // Idempotent.
  void stop();

 private:
  void run();
  void deliver(const Notification& notification);

  EventHandlers handlers_;
  std::string name_;

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::deque<Notification> buffer_;
  std::uint64_t added_ = 0;
  std::uint64_t delivered_ = 0;
  std::uint64_t initial_ = 0;
  bool initial_marked_ = false;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace hvo::kube
