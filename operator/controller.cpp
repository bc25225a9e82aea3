#include "operator/controller.h"

#include <spdlog/spdlog.h>

namespace hvo::kube {
namespace {

// controller-runtime's reconcile time buckets (seconds).
std::vector<double> reconcile_buckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1,  0.15, 0.2,  0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6,
          0.7,   0.8,  0.9,   1.0,  1.25, 1.5,  1.75, 2.0,  2.5, 3.0,  3.5, 4.0,  4.5, 5,
          6,     7,    8,     9,    10,   15,   20,   25,   30,  40,   50,  60};
}

}  // namespace

Request Request::from_key(const std::string& key) {
  const auto slash = key.find('/');
  if (slash == std::string::npos)
    return Request{"", key};
  return Request{key.substr(0, slash), key.substr(slash + 1)};
}

Controller::Controller(ControllerOptions options, Reconciler& reconciler,
                       metrics::Registry& registry, const Clock& clock)
    : options_(std::move(options)),
      reconciler_(reconciler),
      clock_(clock),
      queue_(options_.name, registry, clock, options_.rate_limits, options_.min_interval),
      reconcile_total_(registry.counter("controller_runtime_reconcile_total",
                                        "Total number of reconciliations per controller",
                                        {"controller", "result"})),
      reconcile_errors_(registry
                            .counter("controller_runtime_reconcile_errors_total",
                                     "Total number of reconciliation errors per controller",
                                     {"controller"})
                            .with({options_.name})),
      reconcile_time_(registry
                          .histogram("controller_runtime_reconcile_time_seconds",
                                     "Length of time per reconciliation per controller",
                                     {"controller"}, reconcile_buckets())
                          .with({options_.name})),
      active_workers_(registry
                          .gauge("controller_runtime_active_workers",
                                 "Number of currently used workers per controller", {"controller"})
                          .with({options_.name})) {
  registry
      .gauge("controller_runtime_max_concurrent_reconciles",
             "Maximum number of concurrent reconciles per controller", {"controller"})
      .with({options_.name})
      .set(options_.workers);
  // Every result series exists from the start, so rate() over them works before the first error.
  for (const char* result : {"success", "error", "requeue", "requeue_after"}) {
    reconcile_total_.with({options_.name, result});
  }
}

Controller::~Controller() {
  stop();
}

void Controller::start() {
  std::lock_guard<std::mutex> lock(lifecycle_mu_);
  if (started_)
    return;
  started_ = true;
  spdlog::info(
      "controller_started controller={} workers={} minIntervalMs={}", options_.name,
      options_.workers,
      std::chrono::duration_cast<std::chrono::milliseconds>(options_.min_interval).count());
  for (int i = 0; i < options_.workers; ++i) {
    workers_.emplace_back([this] { run_worker(); });
  }
}

void Controller::stop() {
  std::lock_guard<std::mutex> lock(lifecycle_mu_);
  // Before the queue shuts down: a worker that takes a key from now on puts it back unprocessed.
  // After a lost lease another replica reconciles; this one must not start anything new.
  stopping_ = true;
  queue_.shutdown_with_drain();
  for (auto& worker : workers_)
    worker.join();
  if (!workers_.empty())
    spdlog::info("controller_stopped controller={}", options_.name);
  workers_.clear();
}

void Controller::run_worker() {
  while (auto key = queue_.get()) {
    if (stopping_) {
      queue_.done(*key);  // the queue still hands out what it holds; none of it is ours to do
      continue;
    }
    process(*key);
  }
}

void Controller::process(const std::string& key) {
  active_workers_.inc();
  const SteadyTime started = clock_.now();
  const Request request = Request::from_key(key);
  Result<ReconcileResult> result = reconciler_.reconcile(request);
  reconcile_time_.observe(std::chrono::duration<double>(clock_.now() - started).count());
  active_workers_.dec();

  if (!result.ok()) {
    reconcile_errors_.inc();
    reconcile_total_.with({options_.name, "error"}).inc();
    spdlog::warn("reconcile_failed controller={} key={} retries={} code={} error={}", options_.name,
                 key, queue_.num_requeues(key), to_string(result.error().code()),
                 result.error().message());
    queue_.add_rate_limited(key);
  } else if (result->requeue_after > Duration::zero()) {
    reconcile_total_.with({options_.name, "requeue_after"}).inc();
    queue_.forget(key);
    queue_.add_after(key, result->requeue_after);
  } else if (result->requeue) {
    reconcile_total_.with({options_.name, "requeue"}).inc();
    queue_.add_rate_limited(key);
  } else {
    reconcile_total_.with({options_.name, "success"}).inc();
    queue_.forget(key);
  }
  queue_.done(key);
}

}  // namespace hvo::kube
