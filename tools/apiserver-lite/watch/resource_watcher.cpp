#include "tools/apiserver-lite/watch/resource_watcher.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace hvo::apiserver {

using nlohmann::json;

namespace {

std::shared_ptr<const json> parse_stored(const std::string& key, const std::string& value) {
  json parsed = json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) {
    spdlog::warn("watch_undecodable_value key={}", key);
    return nullptr;
  }
  return std::make_shared<const json>(std::move(parsed));
}

StoredChange to_change(const etcd::WatchEvent& event) {
  StoredChange change;
  change.revision = event.kv.mod_revision;
  change.key = event.kv.key;
  if (event.type == etcd::WatchEvent::Type::kPut) {
    change.current = parse_stored(event.kv.key, event.kv.value);
  }
  if (event.prev_kv) {
    change.previous = parse_stored(event.kv.key, event.prev_kv->value);
    change.previous_revision = event.prev_kv->mod_revision;
  }
  return change;
}

}  // namespace

ResourceWatcher::ResourceWatcher(etcd::EtcdClient& etcd, std::string prefix, int64_t start_revision,
                                 std::size_t window_size)
    : etcd_(etcd),
      prefix_(std::move(prefix)),
      window_size_(window_size),
      known_after_(std::max<int64_t>(start_revision, 1) - 1),
      next_start_(std::max<int64_t>(start_revision, 1)) {
  thread_ = std::thread([this] { run(); });
}

ResourceWatcher::~ResourceWatcher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cancel_->cancel();
  stop_cv_.notify_all();
  thread_.join();
}

void ResourceWatcher::run() {
  const std::string range_end = etcd::prefix_range_end(prefix_);
  while (true) {
    int64_t start = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_)
        return;
      start = next_start_;
    }
    auto on_response = [this](const etcd::WatchResponse& response) {
      if (response.canceled) {
        std::lock_guard<std::mutex> lock(mu_);
        if (response.compact_revision > 0) {
          // History we had not read yet is gone: nobody can be served contiguously any more.
          spdlog::warn("watch_history_compacted prefix={} from={} compacted={}", prefix_,
                       next_start_, response.compact_revision);
          expire_behind(response.compact_revision - 1,
                        "too old resource version: the watch history was compacted");
          window_.clear();
          known_after_ = response.compact_revision - 1;
          next_start_ = response.compact_revision;
        }
        return false;
      }
      apply(response);
      return true;
    };
    Status status = etcd_.watch(prefix_, range_end, start, on_response, cancel_);
    std::unique_lock<std::mutex> lock(mu_);
    if (stopping_)
      return;
    if (!status.ok()) {
      spdlog::warn("watch_stream_failed prefix={} resume_from={} error={}", prefix_, next_start_,
                   status.error().message());
    }
    stop_cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stopping_; });
  }
}

void ResourceWatcher::apply(const etcd::WatchResponse& response) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& event : response.events) {
    StoredChange change = to_change(event);
    next_start_ = change.revision + 1;
    progress_ = std::max(progress_, change.revision);
    window_.push_back(change);
    while (window_.size() > window_size_) {
      known_after_ = window_.front().revision;
      window_.pop_front();
    }
    auto finished = [&](const std::shared_ptr<WatchSubscriber>& s) { return !s->deliver(change); };
    subscribers_.erase(std::remove_if(subscribers_.begin(), subscribers_.end(), finished),
                       subscribers_.end());
  }
}

Status ResourceWatcher::subscribe(std::shared_ptr<WatchSubscriber> subscriber,
                                  int64_t after_revision) {
  std::lock_guard<std::mutex> lock(mu_);
  if (after_revision < known_after_) {
    return Error(ErrorCode::kGone, "too old resource version: " + std::to_string(after_revision) +
                                       " (" + std::to_string(known_after_) + ")");
  }
  for (const auto& change : window_) {
    if (change.revision <= after_revision)
      continue;
    if (!subscriber->deliver(change))
      return OkStatus();
  }
  subscribers_.push_back(std::move(subscriber));
  return OkStatus();
}

void ResourceWatcher::forget_through(int64_t compacted_revision) {
  std::lock_guard<std::mutex> lock(mu_);
  known_after_ = std::max(known_after_, compacted_revision);
  while (!window_.empty() && window_.front().revision <= compacted_revision)
    window_.pop_front();
}

void ResourceWatcher::tick(std::chrono::steady_clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  auto finished = [&](const std::shared_ptr<WatchSubscriber>& s) {
    return !s->tick(now, progress_);
  };
  subscribers_.erase(std::remove_if(subscribers_.begin(), subscribers_.end(), finished),
                     subscribers_.end());
}

std::size_t ResourceWatcher::subscriber_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return subscribers_.size();
}

void ResourceWatcher::expire_behind(int64_t revision, const std::string& message) {
  auto behind = [&](const std::shared_ptr<WatchSubscriber>& subscriber) {
    if (subscriber->position() >= revision)
      return false;
    subscriber->expire(message);
    return true;
  };
  subscribers_.erase(std::remove_if(subscribers_.begin(), subscribers_.end(), behind),
                     subscribers_.end());
}

}  // namespace hvo::apiserver
