// One etcd watch on one storage prefix, shared by every client watching that resource: changes
// are decoded once, kept in a bounded window of recent history (so clients can resume from a
// resourceVersion) and fanned out to subscribers in revision order. The etcd watch reconnects
// by itself, resuming after the last revision it saw.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/net/http_client.h"
#include "common/status.h"
#include "tools/apiserver-lite/etcd/etcd_client.h"
#include "tools/apiserver-lite/watch/watch_subscriber.h"

namespace hvo::apiserver {

class ResourceWatcher {
 public:
  // Starts watching `prefix` with history from `start_revision` on (inclusive), keeping at most
  // `window_size` recent changes.
  ResourceWatcher(etcd::EtcdClient& etcd, std::string prefix, int64_t start_revision,
                  std::size_t window_size);
  ~ResourceWatcher();
  ResourceWatcher(const ResourceWatcher&) = delete;
  ResourceWatcher& operator=(const ResourceWatcher&) = delete;

  // Sends `subscriber` every change after `after_revision` (replayed from the window, then live).
  // kGone when changes after that revision are no longer known.
  Status subscribe(std::shared_ptr<WatchSubscriber> subscriber, int64_t after_revision);
  // Forgets history up to `compacted_revision` (the store compacted it).
  void forget_through(int64_t compacted_revision);
  // Runs every subscriber's periodic duty.
  void tick(std::chrono::steady_clock::time_point now);
  std::size_t subscriber_count() const;

 private:
  void run();
  void apply(const etcd::WatchResponse& response);
  // Ends (410) the subscribers that still need changes at or before `revision`.
  void expire_behind(int64_t revision, const std::string& message);

  etcd::EtcdClient& etcd_;
  const std::string prefix_;
  const std::size_t window_size_;
  std::shared_ptr<net::Cancellation> cancel_ = std::make_shared<net::Cancellation>();

  mutable std::mutex mu_;
  std::deque<StoredChange> window_;
  int64_t known_after_;   // every change after this revision is in the window or still to come
  int64_t next_start_;    // where the etcd watch (re)starts
  int64_t progress_ = 0;  // highest revision delivered
  std::vector<std::shared_ptr<WatchSubscriber>> subscribers_;
  bool stopping_ = false;
  std::condition_variable stop_cv_;
  std::thread thread_;
};

}  // namespace hvo::apiserver
