// Kubernetes Events (events.k8s.io/v1) about our objects, written in the background so a
// reconcile never waits for them:
// - the same regarding object + type + reason + action + note seen again updates the existing
//   Event's series {count, lastObservedTime} with a merge patch instead of creating a new one
//   (client-go's aggregation; the cache of recent events is bounded);
// - each object has its own token bucket (client-go's spam filter: burst 25, one more every
//   5 minutes), so a flapping object cannot flood the API server; excess events are dropped
//   with a log line, as is everything beyond a bounded backlog.
#pragma once

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "operator/clock.h"
#include "operator/rate_limiter.h"
#include "operator/rest_client.h"

namespace hvo::kube {

extern const GroupVersionResource kEventResource;

struct EventRecorderOptions {
  std::string reporting_controller = "hyperv.operator.io/hyperv-operator";
  std::string reporting_instance;  // this process (pod name)
  std::size_t cache_size = 4096;   // aggregated events remembered
  double per_object_qps = 1.0 / 300;
  int per_object_burst = 25;
  std::size_t backlog = 1000;  // events waiting to be written
};

class EventRecorder {
 public:
  EventRecorder(RestClient& client, EventRecorderOptions options,
                const Clock& clock = real_clock());
  ~EventRecorder();  // writes what is queued, then stops
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;

  // `regarding` is the object the event is about (its metadata and kind are used); `type` is
  // "Normal" or "Warning"; `reason` is CamelCase; `action` what was done ("Create", "Schedule").
  void record(const nlohmann::json& regarding, const std::string& type, const std::string& reason,
              const std::string& action, const std::string& note);
  // Blocks until every event recorded so far has been written or dropped.
  void flush();

 private:
  struct Pending {
    nlohmann::json regarding;  // the reference, not the whole object
    std::string type, reason, action, note;
  };
  struct Aggregate {
    std::string name;
    std::string namespace_name;
    int64_t count = 0;
    SteadyTime last_seen{};
  };

  void run();
  void write(const Pending& event);
  bool allowed(const std::string& object_id);
  void remember(const std::string& key, Aggregate aggregate);
  nlohmann::json new_event(const Pending& event, const std::string& namespace_name);
  std::string now_micro() const;

  RestClient& client_;
  EventRecorderOptions options_;
  const Clock& clock_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  bool writing_ = false;
  bool stopping_ = false;

  // Owned by the writer thread.
  std::map<std::string, Aggregate> aggregates_;
  std::map<std::string, std::unique_ptr<TokenBucket>> buckets_;
  unsigned long long last_name_stamp_ = 0;
  std::thread thread_;
};

}  // namespace hvo::kube
