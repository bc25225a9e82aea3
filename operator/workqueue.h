// A rate-limited, delaying work queue with controller-runtime's guarantees:
// - a key waits in the queue at most once (adding it again before a worker takes it is a no-op);
// - a key is never handed to two workers at once: a key added while it is being processed waits
//   in the dirty set and is queued again when the worker calls done();
// - add_after() delays a key on the queue's clock; add_rate_limited() delays it by the larger of
//   its own exponential backoff and the overall token bucket; forget() resets its backoff;
// - with a min_interval, a key add()ed while a worker holds it, or less than that after a worker
//   finished it, waits until the interval after that finish has passed (adds meanwhile merge
//   into that one wait). The interval runs from the end of one pass to the start of the next,
//   so two passes' writes are at least the interval apart however long each pass waited before
//   writing (a start-to-start interval let a slow pass's write land just before the next one's).
//   add_after() and add_rate_limited() wait for the later of their delay and the interval's
//   end, so neither a failed pass's retry nor a short requeue_after (a status writer waiting
//   for its cache) makes a second write within the interval;
// - shutdown() refuses new keys and drops delayed ones, but still hands out what is queued;
//   shutdown_with_drain() also waits until every key taken has been done().
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "common/metrics/registry.h"
#include "operator/clock.h"
#include "operator/rate_limiter.h"
#include "operator/workqueue_metrics.h"

namespace hvo::kube {

class WorkQueue {
 public:
  WorkQueue(const std::string& name, metrics::Registry& registry, const Clock& clock = real_clock(),
            const WorkQueueRateLimiter::Options& limits = WorkQueueRateLimiter::Options(),
            Duration min_interval = Duration::zero());
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void add(const std::string& key);
  void add_after(const std::string& key, Duration delay);
  void add_rate_limited(const std::string& key);
  void forget(const std::string& key);
  int num_requeues(const std::string& key) const;

  // Blocks until a key is ready; nullopt once the queue is shut down and empty.
  std::optional<std::string> get();
  void done(const std::string& key);

  void shutdown();
  void shutdown_with_drain();
  bool shutting_down() const;
  // Keys waiting to be taken (not counting delayed or in-process ones).
  std::size_t len() const;
  // Keys waiting for their add_after() / backoff delay / min_interval to pass.
  std::size_t delayed() const;
  // Keys a worker holds (taken, not yet done()).
  std::size_t in_progress() const;
  Duration min_interval() const { return min_interval_; }

 private:
  // add() and add_after(0): held back until the key's min_interval has passed.
  void add_coalesced_locked(const std::string& key, SteadyTime now);
  void add_locked(const std::string& key, SteadyTime now);
  void delay_locked(const std::string& key, SteadyTime ready_at);
  // When `key`, now or last finished, may next be taken by an add(); nullopt: at once.
  std::optional<SteadyTime> interval_end_locked(const std::string& key) const;
  void forget_old_finishes_locked(SteadyTime now);
  void run_delays();
  void promote_ready_locked(SteadyTime now);
  void publish_progress_locked(SteadyTime now);

  const std::string name_;
  const Clock& clock_;
  WorkQueueRateLimiter limiter_;
  WorkQueueMetrics metrics_;
  const Duration min_interval_;

  mutable std::mutex mu_;
  std::condition_variable ready_cv_;    // a key was queued, or shutdown
  std::condition_variable delay_cv_;    // the earliest delayed key changed, or shutdown
  std::condition_variable drained_cv_;  // the processing set shrank
  std::deque<std::string> queue_;
  std::set<std::string> dirty_;
  std::map<std::string, SteadyTime> processing_;  // key -> when a worker took it
  std::map<std::string, SteadyTime> queued_at_;   // key -> when it entered the dirty set
  std::map<std::string, SteadyTime> delayed_;     // key -> when it becomes ready
  std::set<std::pair<SteadyTime, std::string>> delay_order_;
  // Only with a min_interval. key -> when a worker last finished it, for keys finished less
  // than min_interval ago (older entries are dropped by the delay thread).
  std::map<std::string, SteadyTime> last_finished_;
  // Keys add()ed (or retried) while a worker held them -> the earliest time they may run again
  // apart from the interval; done() delays them to the interval's end.
  std::map<std::string, SteadyTime> after_done_;
  bool shutting_down_ = false;
  std::thread delay_thread_;
};

}  // namespace hvo::kube
