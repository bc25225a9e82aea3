// A controller: N workers taking keys from a WorkQueue and handing them to a Reconciler, with
// controller-runtime's result handling and metrics:
// - an error re-adds the key with its per-key backoff (and counts an error);
// - requeue_after re-adds it after that delay and resets its backoff;
// - requeue re-adds it with backoff;
// - success resets its backoff;
// - with options.min_interval, enqueue() of a key being reconciled, or reconciled less than that
//   ago, waits until that long after the reconcile ended (the queue merges the adds meanwhile):
//   a status writer fed by many changes writes at most once per interval, and always sees the
//   last change.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/metrics/registry.h"
#include "common/status.h"
#include "operator/clock.h"
#include "operator/workqueue.h"

namespace hvo::kube {

// What a reconciler is asked to make right: one object, by namespace (empty if cluster-scoped)
// and name.
struct Request {
  std::string namespace_name;
  std::string name;

  // "ns/name" or "name": the work queue key.
  std::string key() const { return namespace_name.empty() ? name : namespace_name + "/" + name; }
  static Request from_key(const std::string& key);
  bool operator==(const Request& other) const {
    return namespace_name == other.namespace_name && name == other.name;
  }
};

struct ReconcileResult {
  bool requeue = false;
  Duration requeue_after = Duration::zero();

  static ReconcileResult done() { return {}; }
  static ReconcileResult again() { return {true, Duration::zero()}; }
  static ReconcileResult after(Duration delay) { return {false, delay}; }
};

class Reconciler {
 public:
  virtual ~Reconciler() = default;
  // Level-triggered and idempotent; called for one key by one worker at a time.
  virtual Result<ReconcileResult> reconcile(const Request& request) = 0;
};

struct ControllerOptions {
  std::string name;  // the metrics' `controller` label and the queue's name
  int workers = 1;
  WorkQueueRateLimiter::Options rate_limits;
  // The least time from the end of one reconcile of a key to the start of the next, however
  // it was asked for (enqueue(), an error's retry, requeue_after); zero: none.
  Duration min_interval = Duration::zero();
};

class Controller {
 public:
  Controller(ControllerOptions options, Reconciler& reconciler, metrics::Registry& registry,
             const Clock& clock = real_clock());
  ~Controller();
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  void enqueue(const Request& request) { queue_.add(request.key()); }
  void enqueue_after(const Request& request, Duration delay) {
    queue_.add_after(request.key(), delay);
  }

  // Starts the workers; idempotent.
  void start();
  // Stops at once: no reconcile starts after this is called (keys still queued are dropped, as
  // a process exiting would), running reconciles finish, and the workers are joined. What a
  // leader does when it loses its lease. Idempotent; a stopped controller does not restart.
  void stop();

  const std::string& name() const { return options_.name; }
  WorkQueue& queue() { return queue_; }

 private:
  void run_worker();
  void process(const std::string& key);

  ControllerOptions options_;
  Reconciler& reconciler_;
  const Clock& clock_;
  WorkQueue queue_;
  metrics::CounterFamily& reconcile_total_;
  metrics::Counter& reconcile_errors_;
  metrics::Histogram& reconcile_time_;
  metrics::Gauge& active_workers_;
  std::mutex lifecycle_mu_;
  bool started_ = false;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> workers_;
};

}  // namespace hvo::kube
