#include "operator/event_recorder.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>

#include "api/k8s/time.h"

namespace hvo::kube {

using nlohmann::json;

const GroupVersionResource kEventResource{"events.k8s.io", "v1", "events", true};

namespace {

constexpr std::size_t kMaxNoteBytes = 1024;  // the API server refuses longer notes

json reference_to(const json& object) {
  const json meta = object.value("metadata", json::object());
  json reference = {{"apiVersion", object.value("apiVersion", "")},
                    {"kind", object.value("kind", "")},
                    {"name", meta.value("name", "")}};
  for (const char* field : {"namespace", "uid", "resourceVersion"}) {
    if (meta.contains(field))
      reference[field] = meta[field];
  }
  return reference;
}

std::string object_id(const json& reference) {
  return reference.value("kind", "") + "/" + reference.value("namespace", "") + "/" +
         reference.value("name", "") + "/" + reference.value("uid", "");
}

}  // namespace

EventRecorder::EventRecorder(RestClient& client, EventRecorderOptions options, const Clock& clock)
    : client_(client), options_(std::move(options)), clock_(clock) {
  thread_ = std::thread([this] { run(); });
}

EventRecorder::~EventRecorder() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  thread_.join();
}

void EventRecorder::record(const json& regarding, const std::string& type,
                           const std::string& reason, const std::string& action,
                           const std::string& note) {
  Pending event{reference_to(regarding), type, reason, action,
                note.size() > kMaxNoteBytes ? note.substr(0, kMaxNoteBytes) : note};
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_)
    return;
  if (queue_.size() >= options_.backlog) {
    spdlog::warn("event_dropped reason={} object={} cause=backlog_full", reason,
                 object_id(event.regarding));
    return;
  }
  queue_.push_back(std::move(event));
  cv_.notify_all();
}

void EventRecorder::flush() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return queue_.empty() && !writing_; });
}

void EventRecorder::run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return !queue_.empty() || stopping_; });
    if (queue_.empty())
      return;  // stopping, and everything is written
    Pending event = std::move(queue_.front());
    queue_.pop_front();
    writing_ = true;
    lock.unlock();
    write(event);
    lock.lock();
    writing_ = false;
    cv_.notify_all();
  }
}

bool EventRecorder::allowed(const std::string& id) {
  auto& bucket = buckets_[id];
  if (!bucket) {
    bucket =
        std::make_unique<TokenBucket>(options_.per_object_qps, options_.per_object_burst, clock_);
  }
  return bucket->try_take();
}

std::string EventRecorder::now_micro() const {
  return k8s::format_rfc3339_micro(
      std::chrono::time_point_cast<std::chrono::nanoseconds>(clock_.wall_now()));
}

json EventRecorder::new_event(const Pending& event, const std::string& namespace_name) {
  // "<object>.<hex nanoseconds>" like client-go's names; the number only grows, so two events
  // written within one clock tick still get different names.
  const auto now_ns = static_cast<unsigned long long>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(clock_.wall_now().time_since_epoch())
          .count());
  last_name_stamp_ = std::max(last_name_stamp_ + 1, now_ns);
  char suffix[32];
  std::snprintf(suffix, sizeof(suffix), "%llx", last_name_stamp_);
  return {{"apiVersion", "events.k8s.io/v1"},
          {"kind", "Event"},
          {"metadata",
           {{"name", event.regarding.value("name", "object") + "." + suffix},
            {"namespace", namespace_name}}},
          {"eventTime", now_micro()},
          {"reportingController", options_.reporting_controller},
          {"reportingInstance", options_.reporting_instance},
          {"action", event.action},
          {"reason", event.reason},
          {"type", event.type},
          {"note", event.note},
          {"regarding", event.regarding}};
}

void EventRecorder::remember(const std::string& key, Aggregate aggregate) {
  if (aggregates_.size() >= options_.cache_size && aggregates_.count(key) == 0) {
    auto oldest = aggregates_.begin();
    for (auto it = aggregates_.begin(); it != aggregates_.end(); ++it) {
      if (it->second.last_seen < oldest->second.last_seen)
        oldest = it;
    }
    aggregates_.erase(oldest);
  }
  aggregates_[key] = std::move(aggregate);
}

void EventRecorder::write(const Pending& event) {
  const std::string id = object_id(event.regarding);
  if (!allowed(id)) {
    spdlog::debug("event_dropped reason={} object={} cause=rate_limited", event.reason, id);
    return;
  }
  const std::string key =
      id + "\n" + event.type + "\n" + event.reason + "\n" + event.action + "\n" + event.note;
  // Events about cluster-scoped objects live in "default", as client-go puts them.
  const std::string namespace_name = event.regarding.value("namespace", "default");

  auto known = aggregates_.find(key);
  if (known != aggregates_.end()) {
    Aggregate& aggregate = known->second;
    const json patch = {
        {"series", {{"count", aggregate.count + 1}, {"lastObservedTime", now_micro()}}}};
    Result<json> patched = client_.patch(kEventResource, aggregate.namespace_name, aggregate.name,
                                         PatchType::kMerge, patch.dump());
    if (patched.ok()) {
      ++aggregate.count;
      aggregate.last_seen = clock_.now();
      return;
    }
    if (patched.error().code() != ErrorCode::kNotFound) {
      spdlog::warn("event_write_failed reason={} object={} error=\"{}\"", event.reason, id,
                   patched.error().message());
      return;
    }
    // The Event expired on the server (1 h TTL): start a new one.
    aggregates_.erase(known);
  }

  Result<json> created =
      client_.create(kEventResource, namespace_name, new_event(event, namespace_name));
  if (!created.ok()) {
    spdlog::warn("event_write_failed reason={} object={} error=\"{}\"", event.reason, id,
                 created.error().message());
    return;
  }
  remember(key, Aggregate{name_of(*created), namespace_name, 1, clock_.now()});
}

}  // namespace hvo::kube
