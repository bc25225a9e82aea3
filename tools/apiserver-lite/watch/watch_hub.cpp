#include "tools/apiserver-lite/watch/watch_hub.h"

#include <algorithm>
#include <vector>

namespace hvo::apiserver {
namespace {

// How far before the first subscriber's revision a new watcher starts reading history.
constexpr int64_t kBackfillRevisions = 1000;

}  // namespace

WatchHub::WatchHub(etcd::EtcdClient& etcd, WatchHubOptions options)
    : etcd_(etcd), options_(options) {
  ticker_ = std::thread([this] { run_ticker(); });
}

WatchHub::~WatchHub() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  ticker_.join();
  std::lock_guard<std::mutex> lock(mu_);
  watchers_.clear();
}

Status WatchHub::subscribe(const std::string& prefix, std::shared_ptr<WatchSubscriber> subscriber,
                           int64_t after_revision) {
  Status readable = check_not_compacted(prefix, after_revision);
  if (!readable.ok())
    return readable;
  std::shared_ptr<ResourceWatcher> watcher;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto& slot = watchers_[prefix];
    if (!slot) {
      // Start a little in the past so that watches begun concurrently from slightly older
      // revisions can still be served; history etcd compacted away is skipped by the watcher.
      const int64_t start =
          std::max<int64_t>({1, after_revision + 1 - kBackfillRevisions, compacted_ + 1});
      slot = std::make_shared<ResourceWatcher>(etcd_, prefix, start, options_.window_size);
    }
    watcher = slot;
  }
  return watcher->subscribe(std::move(subscriber), after_revision);
}

Status WatchHub::check_not_compacted(const std::string& prefix, int64_t after_revision) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (after_revision < compacted_) {
      return Error(ErrorCode::kGone, "too old resource version: " + std::to_string(after_revision) +
                                         " (" + std::to_string(compacted_) + ")");
    }
  }
  if (after_revision <= 0)
    return OkStatus();
  // Someone else (etcdctl, another server, an operator's maintenance job) may have compacted
  // etcd while our own watch kept running: etcd never tells a running watch, and our window
  // still holds the events. A read at the requested revision fails with "required revision has
  // been compacted" exactly when that history is gone. Other failures (a revision from the
  // future, etcd briefly away) are left to the watch itself.
  auto probe = etcd_.range(prefix, etcd::prefix_range_end(prefix), 1, after_revision);
  if (probe.ok() || probe.error().code() != ErrorCode::kGone)
    return OkStatus();
  // Everything through after_revision is gone: later watches from there get 410 at once.
  forget_through(after_revision + 1);
  return Error(ErrorCode::kGone, "too old resource version: " + std::to_string(after_revision) +
                                     " (etcd compacted that revision)");
}

void WatchHub::forget_through(int64_t revision) {
  std::vector<std::shared_ptr<ResourceWatcher>> watchers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    compacted_ = std::max(compacted_, revision);
    for (const auto& [prefix, watcher] : watchers_)
      watchers.push_back(watcher);
  }
  for (const auto& watcher : watchers)
    watcher->forget_through(revision);
}

std::size_t WatchHub::watcher_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return watchers_.size();
}

void WatchHub::run_ticker() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, options_.tick_interval, [this] { return stopping_; });
    if (stopping_)
      return;
    std::vector<std::shared_ptr<ResourceWatcher>> watchers;
    for (const auto& [prefix, watcher] : watchers_)
      watchers.push_back(watcher);
    lock.unlock();
    const auto now = std::chrono::steady_clock::now();
    for (const auto& watcher : watchers)
      watcher->tick(now);
    lock.lock();
  }
}

}  // namespace hvo::apiserver
