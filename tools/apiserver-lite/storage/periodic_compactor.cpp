#include "tools/apiserver-lite/storage/periodic_compactor.h"

#include <spdlog/spdlog.h>

namespace hvo::apiserver {

PeriodicCompactor::PeriodicCompactor(etcd::EtcdClient& etcd, WatchHub& hub,
                                     std::chrono::milliseconds interval)
    : etcd_(etcd), hub_(hub), interval_(interval), thread_([this] { run(); }) {}

PeriodicCompactor::~PeriodicCompactor() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void PeriodicCompactor::run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    tick();
    lock.lock();
  }
}

void PeriodicCompactor::tick() {
  auto current = etcd_.current_revision();
  if (!current.ok()) {
    spdlog::warn("periodic_compaction_skipped reason=\"{}\"", current.error().message());
    return;
  }
  const int64_t target = previous_revision_;
  previous_revision_ = *current;
  if (target <= 0)
    return;
  Status compacted = etcd_.compact(target);
  if (!compacted.ok() && compacted.error().code() != ErrorCode::kGone) {
    // Already compacted further (kGone) is fine; anything else waits for the next tick.
    spdlog::warn("periodic_compaction_failed revision={} error=\"{}\"", target,
                 compacted.error().message());
    return;
  }
  hub_.forget_through(target);
  spdlog::info("store_compacted revision={} periodic=true", target);
}

}  // namespace hvo::apiserver
