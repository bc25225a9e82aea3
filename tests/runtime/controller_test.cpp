#include "operator/controller.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include "tests/runtime/fake_clock.h"
#include "tests/runtime/metrics_text.h"

namespace hvo::kube {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::FakeClock;
using testing::sample;

// Answers each reconcile from a script and records when (on the fake clock) it was called.
class ScriptedReconciler : public Reconciler {
 public:
  ScriptedReconciler(const Clock& clock, std::vector<Result<ReconcileResult>> script)
      : clock_(clock), script_(std::move(script)) {}

  Result<ReconcileResult> reconcile(const Request& request) override {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back({request, clock_.now()});
    cv_.notify_all();
    const std::size_t index = std::min(calls_.size(), script_.size()) - 1;
    return script_[index];
  }

  // Blocks until at least `count` calls happened; returns the time of call number `count`.
  SteadyTime wait_for_call(std::size_t count) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return calls_.size() >= count; });
    return calls_[count - 1].at;
  }
  std::size_t calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_.size();
  }
  Request request(std::size_t index) {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_.at(index).request;
  }

 private:
  struct Call {
    Request request;
    SteadyTime at;
  };
  const Clock& clock_;
  std::vector<Result<ReconcileResult>> script_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Call> calls_;
};

// Waits until the worker has put the key back with a delay: only then may the test move the
// clock, or the delay would be counted from the moved clock.
void wait_until_delayed(Controller& controller) {
  while (controller.queue().delayed() == 0)
    std::this_thread::yield();
}

// The interval runs from done(): the fake clock may only move once the worker got there.
void wait_until_no_key_is_held(Controller& controller) {
  while (controller.queue().in_progress() > 0)
    std::this_thread::yield();
}

Error failure() {
  return Error(ErrorCode::kUnavailable, "host hv-01 unreachable");
}

TEST(Request, KeyRoundTrip) {
  EXPECT_EQ((Request{"ns", "vm"}).key(), "ns/vm");
  EXPECT_EQ(Request::from_key("ns/vm"), (Request{"ns", "vm"}));
  EXPECT_EQ(Request::from_key("host-1"), (Request{"", "host-1"}));
}

TEST(Controller, FailedReconcileIsRetriedWithGrowingBackoffAndSuccessResetsIt) {
  metrics::Registry registry;
  FakeClock clock;
  ScriptedReconciler reconciler(
      clock, {failure(), failure(), failure(), ReconcileResult::done(), failure()});
  Controller controller({"vm", 2, {}}, reconciler, registry, clock);
  controller.start();
  controller.enqueue({"ns", "vm-1"});

  SteadyTime previous = reconciler.wait_for_call(1);
  for (const Duration expected : {milliseconds(5), milliseconds(10), milliseconds(20)}) {
    const std::size_t next_call = reconciler.calls() + 1;
    wait_until_delayed(controller);
    clock.advance(expected - milliseconds(1));
    clock.advance(milliseconds(1));
    const SteadyTime at = reconciler.wait_for_call(next_call);
    EXPECT_EQ(at - previous, expected);  // the clock only moves in our steps: never early
    previous = at;
  }
  // The success forgot the failures: the next failure starts again at 5 ms.
  controller.enqueue({"ns", "vm-1"});
  reconciler.wait_for_call(5);
  controller.stop();
  EXPECT_EQ(controller.queue().num_requeues("ns/vm-1"), 1);

  EXPECT_EQ(reconciler.request(0), (Request{"ns", "vm-1"}));
  EXPECT_EQ(
      sample(registry, R"(controller_runtime_reconcile_total{controller="vm",result="error"})"), 4);
  EXPECT_EQ(
      sample(registry, R"(controller_runtime_reconcile_total{controller="vm",result="success"})"),
      1);
  EXPECT_EQ(sample(registry, R"(controller_runtime_reconcile_errors_total{controller="vm"})"), 4);
  EXPECT_EQ(sample(registry, R"(controller_runtime_reconcile_time_seconds_count{controller="vm"})"),
            5);
  EXPECT_EQ(sample(registry, R"(controller_runtime_max_concurrent_reconciles{controller="vm"})"),
            2);
  EXPECT_EQ(sample(registry, R"(controller_runtime_active_workers{controller="vm"})"), 0);
}

TEST(Controller, RequeueAfterWaitsThatLongAndForgetsBackoff) {
  metrics::Registry registry;
  FakeClock clock;
  ScriptedReconciler reconciler(clock,
                                {ReconcileResult::after(seconds(30)), ReconcileResult::done()});
  Controller controller({"host", 1, {}}, reconciler, registry, clock);
  controller.start();
  controller.enqueue({"", "hv-01"});
  const SteadyTime first = reconciler.wait_for_call(1);
  wait_until_delayed(controller);
  clock.advance(seconds(29));
  clock.advance(seconds(1));
  EXPECT_EQ(reconciler.wait_for_call(2) - first, seconds(30));
  controller.stop();
  EXPECT_EQ(
      sample(registry,
             R"(controller_runtime_reconcile_total{controller="host",result="requeue_after"})"),
      1);
  EXPECT_EQ(controller.queue().num_requeues("hv-01"), 0);
}

TEST(Controller, RequeueUsesTheRateLimiter) {
  metrics::Registry registry;
  FakeClock clock;
  ScriptedReconciler reconciler(clock, {ReconcileResult::again(), ReconcileResult::done()});
  Controller controller({"tenant", 1, {}}, reconciler, registry, clock);
  controller.start();
  controller.enqueue({"", "acme"});
  const SteadyTime first = reconciler.wait_for_call(1);
  wait_until_delayed(controller);
  clock.advance(milliseconds(5));
  EXPECT_EQ(reconciler.wait_for_call(2) - first, milliseconds(5));
  controller.stop();
  EXPECT_EQ(sample(registry,
                   R"(controller_runtime_reconcile_total{controller="tenant",result="requeue"})"),
            1);
}

// Records, for each reconcile, the version of the watched state it saw.
class StateReadingReconciler : public Reconciler {
 public:
  explicit StateReadingReconciler(const Clock& clock) : clock_(clock) {}
  Result<ReconcileResult> reconcile(const Request&) override {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back({state.load(), clock_.now()});
    cv_.notify_all();
    return ReconcileResult::done();
  }
  // Blocks until a reconcile has seen `version`; returns when it ran.
  SteadyTime wait_for_version(int version) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !calls_.empty() && calls_.back().seen == version; });
    return calls_.back().at;
  }
  // Waits up to `timeout` of real time for a reconcile that saw `version`.
  bool saw_version_within(int version, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout,
                        [&] { return !calls_.empty() && calls_.back().seen == version; });
  }
  struct Call {
    int seen;
    SteadyTime at;
  };
  std::vector<Call> calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  std::atomic<int> state{0};

 private:
  const Clock& clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Call> calls_;
};

ControllerOptions coalescing(const std::string& name, int workers) {
  ControllerOptions options;
  options.name = name;
  options.workers = workers;
  options.min_interval = seconds(1);
  return options;
}

TEST(Controller, MinIntervalTurnsABurstAfterAReconcileIntoOneMoreWithTheLastState) {
  metrics::Registry registry;
  FakeClock clock;
  StateReadingReconciler reconciler(clock);
  Controller controller(coalescing("quota", 2), reconciler, registry, clock);
  controller.start();
  controller.enqueue({"", "team-a"});
  const SteadyTime first = reconciler.wait_for_version(0);

  for (int version = 1; version <= 100; ++version) {
    reconciler.state = version;
    controller.enqueue({"", "team-a"});
  }
  wait_until_delayed(controller);  // once the first pass is done, its interval starts
  EXPECT_EQ(controller.queue().delayed(), 1u);
  clock.advance(seconds(1));
  EXPECT_EQ(reconciler.wait_for_version(100) - first, seconds(1));
  controller.stop();

  EXPECT_EQ(reconciler.calls().size(), 2u);
}

TEST(Controller, MinIntervalBurstOnAnIdleKeyReconcilesAtMostTwiceAndNeverLosesTheLastState) {
  for (int round = 0; round < 20; ++round) {
    metrics::Registry registry;
    FakeClock clock;
    StateReadingReconciler reconciler(clock);
    Controller controller(coalescing("tenant", 2), reconciler, registry, clock);
    controller.start();
    // The workers take the key at some point of the burst: before it is over, or after.
    for (int version = 1; version <= 100; ++version) {
      reconciler.state = version;
      controller.enqueue({"", "acme"});
    }
    // The interval runs from the end of the pass that took the key, and that pass may end
    // before or after a move of the clock: move it until the last state has been seen.
    for (int moves = 0; moves < 5 && !reconciler.saw_version_within(100, milliseconds(200));
         ++moves)
      clock.advance(seconds(1));
    ASSERT_TRUE(reconciler.saw_version_within(100, milliseconds(0))) << "round " << round;
    controller.stop();

    // (When the worker takes the key relative to the clock's move is up to the scheduler, so
    // the spacing is proven by the test above, not here.)
    const auto calls = reconciler.calls();
    EXPECT_LE(calls.size(), 2u) << "round " << round;
    EXPECT_EQ(calls.back().seen, 100) << "round " << round;
  }
}

// A failed pass retries when the interval ends (its backoff is shorter), and so does a
// requeue_after shorter than the interval: an object gets at most one write a second.
TEST(Controller, MinIntervalHoldsErrorRetriesAndShortRequeues) {
  metrics::Registry registry;
  FakeClock clock;
  ScriptedReconciler reconciler(
      clock, {failure(), ReconcileResult::after(milliseconds(100)), ReconcileResult::done()});
  Controller controller(coalescing("host", 1), reconciler, registry, clock);
  controller.start();
  controller.enqueue({"", "hv-01"});
  const SteadyTime first = reconciler.wait_for_call(1);
  wait_until_delayed(controller);
  clock.advance(milliseconds(5));  // the first backoff step: not yet
  wait_until_delayed(controller);
  clock.advance(milliseconds(995));
  const SteadyTime second = reconciler.wait_for_call(2);
  EXPECT_EQ(second - first, seconds(1));
  wait_until_no_key_is_held(controller);
  wait_until_delayed(controller);
  clock.advance(milliseconds(100));  // the requeue_after: not yet
  wait_until_delayed(controller);
  clock.advance(milliseconds(900));
  EXPECT_EQ(reconciler.wait_for_call(3) - second, seconds(1));
  controller.stop();
}

// Four workers, keys enqueued over and over while reconciles run: never two at once per key.
class ConcurrencyCheckingReconciler : public Reconciler {
 public:
  Result<ReconcileResult> reconcile(const Request& request) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!active_.insert(request.key()).second)
        ++overlaps;
      ++calls;
    }
    std::this_thread::yield();
    std::lock_guard<std::mutex> lock(mu_);
    active_.erase(request.key());
    return ReconcileResult::done();
  }
  std::atomic<int> overlaps{0};
  std::atomic<int> calls{0};

 private:
  std::mutex mu_;
  std::set<std::string> active_;
};

TEST(Controller, NeverRunsOneKeyInTwoWorkers) {
  metrics::Registry registry;
  ConcurrencyCheckingReconciler reconciler;
  Controller controller({"vm", 4, {}}, reconciler, registry);
  controller.start();
  for (int round = 0; round < 2000; ++round) {
    controller.enqueue({"ns", "vm-" + std::to_string(round % 5)});
  }
  while (reconciler.calls.load() < 5)
    std::this_thread::yield();
  controller.stop();
  EXPECT_EQ(reconciler.overlaps.load(), 0);
}

// stop() lets a running reconcile finish before it returns.
class BlockingReconciler : public Reconciler {
 public:
  Result<ReconcileResult> reconcile(const Request&) override {
    std::unique_lock<std::mutex> lock(mu_);
    ++calls;
    started = true;
    cv_.notify_all();
    cv_.wait(lock, [&] { return release; });
    finished = true;
    return ReconcileResult::done();
  }
  void wait_started() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return started; });
  }
  void let_go() {
    std::lock_guard<std::mutex> lock(mu_);
    release = true;
    cv_.notify_all();
  }
  std::atomic<bool> finished{false};
  std::atomic<int> calls{0};

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool started = false;
  bool release = false;
};

TEST(Controller, StopWaitsForRunningReconciles) {
  metrics::Registry registry;
  BlockingReconciler reconciler;
  Controller controller({"vm", 1, {}}, reconciler, registry);
  controller.start();
  controller.enqueue({"ns", "a"});
  reconciler.wait_started();
  std::thread stopper([&] {
    controller.stop();
    EXPECT_TRUE(reconciler.finished.load());
  });
  reconciler.let_go();
  stopper.join();
}

// A leader that loses its lease stops the controller: the reconcile in progress finishes, the
// keys still queued are not reconciled.
TEST(Controller, StopStartsNoReconcileForKeysStillQueued) {
  metrics::Registry registry;
  BlockingReconciler reconciler;
  Controller controller({"vm", 1, {}}, reconciler, registry);
  controller.start();
  controller.enqueue({"ns", "a"});
  reconciler.wait_started();
  controller.enqueue({"ns", "b"});
  controller.enqueue({"ns", "c"});
  std::thread stopper([&] { controller.stop(); });
  while (!controller.queue().shutting_down())
    std::this_thread::yield();
  reconciler.let_go();
  stopper.join();
  EXPECT_EQ(reconciler.calls.load(), 1);
  EXPECT_EQ(controller.queue().len(), 0u);
}

}  // namespace
}  // namespace hvo::kube
