// Compacts etcd now and then, as kube-apiserver does (--etcd-compaction-interval, default 5m):
// at every tick it compacts through the revision it saw at the previous tick, so at least one
// interval of history stays for watches resuming from a recent resourceVersion, and makes the
// watch hub forget what it compacted (older resourceVersions then get 410 Expired).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "tools/apiserver-lite/etcd/etcd_client.h"
#include "tools/apiserver-lite/watch/watch_hub.h"

namespace hvo::apiserver {

class PeriodicCompactor {
 public:
  // Starts the thread at once; the first compaction comes after two intervals.
  PeriodicCompactor(etcd::EtcdClient& etcd, WatchHub& hub, std::chrono::milliseconds interval);
  ~PeriodicCompactor();  // stops the thread
  PeriodicCompactor(const PeriodicCompactor&) = delete;
  PeriodicCompactor& operator=(const PeriodicCompactor&) = delete;

 private:
  void run();
  void tick();

  etcd::EtcdClient& etcd_;
  WatchHub& hub_;
  const std::chrono::milliseconds interval_;
  int64_t previous_revision_ = 0;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the members it uses exist
};

}  // namespace hvo::apiserver
