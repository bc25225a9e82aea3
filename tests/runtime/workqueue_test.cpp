#include "operator/workqueue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <random>
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

class WorkQueueTest : public ::testing::Test {
 protected:
  metrics::Registry registry;
  FakeClock clock;
  WorkQueue queue{"q", registry, clock};
};

TEST_F(WorkQueueTest, DeduplicatesKeysNotYetTaken) {
  queue.add("a");
  queue.add("b");
  queue.add("a");
  EXPECT_EQ(queue.len(), 2u);
  EXPECT_EQ(queue.get(), "a");
  EXPECT_EQ(queue.get(), "b");
  EXPECT_EQ(queue.len(), 0u);
}

TEST_F(WorkQueueTest, KeyAddedWhileProcessingIsQueuedAgainOnlyAfterDone) {
  queue.add("a");
  ASSERT_EQ(queue.get(), "a");
  queue.add("a");
  queue.add("a");
  EXPECT_EQ(queue.len(), 0u);  // held back: a worker has it
  queue.done("a");
  EXPECT_EQ(queue.len(), 1u);
  EXPECT_EQ(queue.get(), "a");
  queue.done("a");
  EXPECT_EQ(queue.len(), 0u);
}

TEST_F(WorkQueueTest, AddAfterReleasesTheKeyWhenItsTimeComes) {
  const SteadyTime start = clock.now();
  queue.add_after("a", seconds(10));
  EXPECT_EQ(queue.len(), 0u);
  clock.advance(seconds(10));
  EXPECT_EQ(queue.get(), "a");  // blocks until the delay thread promotes it
  EXPECT_GE(clock.now() - start, seconds(10));
}

TEST_F(WorkQueueTest, AddAfterKeepsTheEarlierDeadline) {
  queue.add_after("late", seconds(30));
  queue.add_after("a", seconds(20));
  queue.add_after("a", seconds(5));
  queue.add_after("a", seconds(60));
  clock.advance(seconds(5));
  EXPECT_EQ(queue.get(), "a");
  queue.done("a");
  clock.advance(seconds(25));
  EXPECT_EQ(queue.get(), "late");
}

TEST_F(WorkQueueTest, RateLimitedAddsBackOffPerKeyAndForgetResets) {
  queue.add_rate_limited("a");
  queue.add_rate_limited("a");
  EXPECT_EQ(queue.num_requeues("a"), 2);
  clock.advance(milliseconds(5));
  EXPECT_EQ(queue.get(), "a");
  queue.done("a");
  queue.forget("a");
  EXPECT_EQ(queue.num_requeues("a"), 0);
  EXPECT_EQ(sample(registry, R"(workqueue_retries_total{controller="q",name="q"})"), 2);
}

TEST_F(WorkQueueTest, ShutdownHandsOutWhatIsQueuedThenStops) {
  queue.add("a");
  queue.add_after("delayed", seconds(1));
  queue.shutdown();
  queue.add("b");
  EXPECT_TRUE(queue.shutting_down());
  EXPECT_EQ(queue.get(), "a");
  EXPECT_EQ(queue.get(), std::nullopt);
  clock.advance(seconds(2));
  EXPECT_EQ(queue.get(), std::nullopt);
}

TEST_F(WorkQueueTest, ShutdownWithDrainWaitsForKeysInProcess) {
  queue.add("a");
  ASSERT_EQ(queue.get(), "a");
  std::atomic<bool> done_called{false};
  std::atomic<bool> drained_after_done{false};
  std::thread drainer([&] {
    queue.shutdown_with_drain();
    drained_after_done = done_called.load();
  });
  done_called = true;
  queue.done("a");
  drainer.join();
  EXPECT_TRUE(drained_after_done);
}

TEST_F(WorkQueueTest, GetBlocksUntilAKeyArrives) {
  std::optional<std::string> taken;
  std::thread worker([&] { taken = queue.get(); });
  queue.add("late-arrival");
  worker.join();
  EXPECT_EQ(taken, "late-arrival");
}

TEST_F(WorkQueueTest, ExposesControllerRuntimeMetrics) {
  queue.add("a");
  queue.add("b");
  EXPECT_EQ(sample(registry, R"(workqueue_depth{controller="q",name="q"})"), 2);
  clock.advance(seconds(2));
  ASSERT_EQ(queue.get(), "a");
  clock.advance(seconds(3));
  queue.done("a");
  EXPECT_EQ(sample(registry, R"(workqueue_adds_total{controller="q",name="q"})"), 2);
  EXPECT_EQ(sample(registry, R"(workqueue_depth{controller="q",name="q"})"), 1);
  EXPECT_EQ(sample(registry, R"(workqueue_queue_duration_seconds_sum{controller="q",name="q"})"),
            2);
  EXPECT_EQ(sample(registry, R"(workqueue_work_duration_seconds_count{controller="q",name="q"})"),
            1);
  EXPECT_EQ(sample(registry, R"(workqueue_work_duration_seconds_sum{controller="q",name="q"})"), 3);
}

TEST_F(WorkQueueTest, ReportsUnfinishedWorkOfRunningKeys) {
  queue.add("slow");
  ASSERT_EQ(queue.get(), "slow");
  clock.advance(seconds(7));
  const std::string longest =
      R"(workqueue_longest_running_processor_seconds{controller="q",name="q"})";
  // The delay thread refreshes the gauge on its own period; wait for it on the fake clock.
  while (sample(registry, longest).value_or(0) < 7) {
    clock.advance(milliseconds(500));
    std::this_thread::yield();
  }
  EXPECT_GE(sample(registry, R"(workqueue_unfinished_work_seconds{controller="q",name="q"})"), 7);
  queue.done("slow");
}

// A queue with a 1 s minimum interval between two takes of one key.
class CoalescingWorkQueueTest : public ::testing::Test {
 protected:
  // Takes `key` and hands it back; returns when it was taken.
  SteadyTime take_and_finish(const std::string& key) {
    EXPECT_EQ(queue.get(), key);
    const SteadyTime taken = clock.now();
    queue.done(key);
    return taken;
  }
  // Moves the clock and waits until the delay thread has seen the new time and gone back to
  // sleep, so that whatever it would promote by then is promoted.
  void advance_and_settle(Duration by) {
    clock.advance(by);
    while (clock.sleepers_caught_up() < 1)
      std::this_thread::yield();
  }

  metrics::Registry registry;
  FakeClock clock;
  WorkQueue queue{"q", registry, clock, WorkQueueRateLimiter::Options(), seconds(1)};
};

TEST_F(CoalescingWorkQueueTest, FirstAddIsImmediate) {
  EXPECT_EQ(queue.min_interval(), seconds(1));
  queue.add("a");
  EXPECT_EQ(queue.len(), 1u);
  EXPECT_EQ(queue.delayed(), 0u);
}

TEST_F(CoalescingWorkQueueTest, BurstOfAddsAfterATakeWaitsOnceUntilTheIntervalEnds) {
  queue.add("a");
  const SteadyTime first = take_and_finish("a");

  for (int i = 0; i < 100; ++i)
    queue.add("a");
  EXPECT_EQ(queue.len(), 0u);
  EXPECT_EQ(queue.delayed(), 1u);  // the hundred adds merged into one wait

  advance_and_settle(milliseconds(999));
  EXPECT_EQ(queue.len(), 0u);  // not a moment early
  clock.advance(milliseconds(1));
  EXPECT_EQ(take_and_finish("a") - first, seconds(1));
  advance_and_settle(seconds(5));
  EXPECT_EQ(queue.len(), 0u);
  EXPECT_EQ(queue.delayed(), 0u);
}

// A failed pass (a 409 on its status write) retries after a few milliseconds of backoff; the key
// still waits for the interval, so one object gets at most one write attempt a second.
TEST_F(CoalescingWorkQueueTest, RateLimitedRetriesWaitForTheIntervalToo) {
  queue.add("a");
  const SteadyTime first = take_and_finish("a");
  queue.add_rate_limited("a");
  EXPECT_EQ(queue.delayed(), 1u);

  advance_and_settle(milliseconds(999));
  EXPECT_EQ(queue.len(), 0u);
  clock.advance(milliseconds(1));
  EXPECT_EQ(take_and_finish("a") - first, seconds(1));
}

TEST_F(CoalescingWorkQueueTest, AddsWhileAWorkerHoldsTheKeyWaitForTheIntervalNotForDone) {
  queue.add("a");
  ASSERT_EQ(queue.get(), "a");
  const SteadyTime first = clock.now();
  queue.add("a");
  queue.done("a");
  EXPECT_EQ(queue.len(), 0u);  // done() does not hand it out again within the interval
  EXPECT_EQ(queue.delayed(), 1u);
  clock.advance(seconds(1));
  EXPECT_EQ(take_and_finish("a") - first, seconds(1));
}

// A pass that waits 600 ms before its write (the client's rate limiter under load) must not
// have the next pass's write land within a second of its own: the interval runs from done().
TEST_F(CoalescingWorkQueueTest, IntervalRunsFromTheEndOfASlowPass) {
  queue.add("a");
  ASSERT_EQ(queue.get(), "a");
  clock.advance(milliseconds(600));
  const SteadyTime finished = clock.now();
  queue.add("a");
  queue.done("a");
  EXPECT_EQ(queue.delayed(), 1u);
  advance_and_settle(milliseconds(999));
  EXPECT_EQ(queue.len(), 0u);
  clock.advance(milliseconds(1));
  EXPECT_EQ(take_and_finish("a") - finished, seconds(1));
}

TEST_F(CoalescingWorkQueueTest, RetryOfASlowFailedPassWaitsForTheIntervalAfterIt) {
  queue.add("a");
  ASSERT_EQ(queue.get(), "a");
  clock.advance(milliseconds(700));
  const SteadyTime finished = clock.now();
  queue.add_rate_limited("a");  // the controller re-adds a failed key before done()
  queue.done("a");
  advance_and_settle(milliseconds(999));
  EXPECT_EQ(queue.len(), 0u);
  clock.advance(milliseconds(1));
  EXPECT_EQ(take_and_finish("a") - finished, seconds(1));
}

TEST_F(CoalescingWorkQueueTest, AddAfterTheIntervalOfAFinishedPassIsImmediate) {
  queue.add("a");
  ASSERT_EQ(queue.get(), "a");
  clock.advance(seconds(3));  // a long pass: its start is long past, its end is not
  queue.done("a");
  queue.add("a");
  EXPECT_EQ(queue.len(), 0u);
  EXPECT_EQ(queue.delayed(), 1u);
}

TEST_F(CoalescingWorkQueueTest, KeyTakenLongerThanTheIntervalAgoIsAddedAtOnce) {
  queue.add("a");
  take_and_finish("a");
  clock.advance(seconds(1));
  queue.add("a");
  EXPECT_EQ(queue.len(), 1u);
  EXPECT_EQ(queue.delayed(), 0u);
}

TEST_F(CoalescingWorkQueueTest, OtherKeysAreNotHeldBack) {
  queue.add("a");
  take_and_finish("a");
  queue.add("b");
  EXPECT_EQ(queue.len(), 1u);
  EXPECT_EQ(queue.get(), "b");
  queue.done("b");
}

// A status writer whose cache lags its own write asks to be back in 500 ms; that retry writes
// too, so it waits for the interval like any other pass.
TEST_F(CoalescingWorkQueueTest, AddAfterShorterThanTheIntervalWaitsForIt) {
  queue.add("a");
  const SteadyTime first = take_and_finish("a");
  queue.add_after("a", milliseconds(200));
  advance_and_settle(milliseconds(200));
  EXPECT_EQ(queue.len(), 0u);
  EXPECT_EQ(queue.delayed(), 1u);
  advance_and_settle(milliseconds(799));
  EXPECT_EQ(queue.len(), 0u);
  clock.advance(milliseconds(1));
  EXPECT_EQ(take_and_finish("a") - first, seconds(1));
}

TEST_F(CoalescingWorkQueueTest, AddAfterLongerThanTheIntervalKeepsItsDelay) {
  queue.add("a");
  const SteadyTime first = take_and_finish("a");
  queue.add_after("a", seconds(30));  // a host poll's next visit
  advance_and_settle(seconds(29));
  EXPECT_EQ(queue.len(), 0u);
  clock.advance(seconds(1));
  EXPECT_EQ(take_and_finish("a") - first, seconds(30));
}

TEST_F(CoalescingWorkQueueTest, AddMovesAnIntervalWaitAheadOfALaterDelay) {
  queue.add("a");
  const SteadyTime first = take_and_finish("a");
  queue.add_after("a", seconds(30));  // a poll's requeue_after
  queue.add("a");                     // a change: reconciled when the interval ends
  EXPECT_EQ(queue.delayed(), 1u);
  clock.advance(seconds(1));
  EXPECT_EQ(take_and_finish("a") - first, seconds(1));
}

// Many producers and workers on a few keys: no key is ever held by two workers at once, and
// every key is processed after its last add.
TEST(WorkQueueConcurrency, AKeyIsNeverInTwoWorkersAndTheLastAddIsSeen) {
  metrics::Registry registry;
  WorkQueue queue("stress", registry);
  constexpr int kKeys = 16;
  constexpr int kProducers = 8;
  constexpr int kWorkers = 8;
  constexpr int kAddsPerProducer = 5000;

  std::array<std::atomic<int>, kKeys> in_worker{};
  std::array<std::atomic<int>, kKeys> version{};
  std::array<std::atomic<int>, kKeys> seen_version{};
  std::atomic<int> overlaps{0};

  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&] {
      while (auto key = queue.get()) {
        const int k = std::stoi(*key);
        if (in_worker[k].fetch_add(1) != 0)
          ++overlaps;
        seen_version[k] = version[k].load();
        std::this_thread::yield();
        in_worker[k].fetch_sub(1);
        queue.done(*key);
      }
    });
  }
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      std::mt19937 random(p);
      for (int i = 0; i < kAddsPerProducer; ++i) {
        const int k = static_cast<int>(random() % kKeys);
        ++version[k];
        queue.add(std::to_string(k));
      }
    });
  }
  for (auto& producer : producers)
    producer.join();
  // Every add happened; wait until the workers have caught up with the last of them.
  for (int k = 0; k < kKeys; ++k) {
    while (seen_version[k].load() != version[k].load())
      std::this_thread::yield();
  }
  queue.shutdown_with_drain();
  for (auto& worker : workers)
    worker.join();

  EXPECT_EQ(overlaps.load(), 0);
  for (int k = 0; k < kKeys; ++k)
    EXPECT_EQ(seen_version[k].load(), version[k].load()) << k;
}

}  // namespace
}  // namespace hvo::kube
