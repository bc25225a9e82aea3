// All resource watchers of the server, one per storage prefix, created when the first client
// watches that resource and shared by every later one; plus the ticker that drives bookmarks and
// watch timeouts.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/status.h"
#include "tools/apiserver-lite/etcd/etcd_client.h"
#include "tools/apiserver-lite/watch/resource_watcher.h"

namespace hvo::apiserver {

struct WatchHubOptions {
  std::size_t window_size = 10000;  // recent changes kept per resource for resuming watches
  std::chrono::milliseconds tick_interval{250};
};

class WatchHub {
 public:
  WatchHub(etcd::EtcdClient& etcd, WatchHubOptions options);
  ~WatchHub();
  WatchHub(const WatchHub&) = delete;
  WatchHub& operator=(const WatchHub&) = delete;

  // Subscribes to changes of keys under `prefix` after `after_revision`. The first subscriber
  // of a prefix starts its watcher there; later ones are served from its window. kGone when
  // they ask for older changes than it holds, or than etcd still has (compacted by us or by
  // anyone else).
  Status subscribe(const std::string& prefix, std::shared_ptr<WatchSubscriber> subscriber,
                   int64_t after_revision);
  // The store was compacted through `revision`: watches from before it get 410 from now on.
  void forget_through(int64_t revision);
  std::size_t watcher_count() const;

 private:
  void run_ticker();
  // kGone when history after `after_revision` is compacted (known here, or found by reading
  // etcd at that revision).
  Status check_not_compacted(const std::string& prefix, int64_t after_revision);

  etcd::EtcdClient& etcd_;
  const WatchHubOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<ResourceWatcher>> watchers_;
  int64_t compacted_ = 0;
  bool stopping_ = false;
  std::condition_variable cv_;
  std::thread ticker_;
};

}  // namespace hvo::apiserver
