#include "common/net/elastic_thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "tests/net/net_test_support.h"

namespace hvo::net {
namespace {

using testing::Gate;

TEST(ElasticThreadPool, RunsBlockingTasksAtTheSameTime) {
  ElasticThreadPool pool;
  Gate gate;
  constexpr int kTasks = 64;
  for (int i = 0; i < kTasks; ++i)
    ASSERT_TRUE(pool.submit([&] { gate.arrive_and_wait(); }));
  gate.wait_for_arrivals(kTasks);  // all 64 blocked at once: none waited for a free thread
  EXPECT_EQ(pool.thread_count(), static_cast<std::size_t>(kTasks));
  gate.open();
  pool.stop();
}

TEST(ElasticThreadPool, ReusesAnIdleThreadInsteadOfStartingOne) {
  ElasticThreadPool pool;
  for (int i = 0; i < 20; ++i) {
    Gate done;
    pool.submit([&] { done.arrive(); });
    done.wait_for_arrivals(1);
    // The worker reports done before it is back waiting; wait until it is.
    while (pool.idle_count() != 1)
      std::this_thread::yield();
  }
  EXPECT_EQ(pool.thread_count(), 1u);
}

TEST(ElasticThreadPool, StopRunsQueuedTasksThenRefusesNewOnes) {
  std::atomic<int> ran{0};
  ElasticThreadPool pool;
  for (int i = 0; i < 10; ++i)
    pool.submit([&] { ++ran; });
  pool.stop();
  EXPECT_EQ(ran.load(), 10);
  EXPECT_FALSE(pool.submit([&] { ++ran; }));
  EXPECT_EQ(pool.thread_count(), 0u);
}

TEST(ElasticThreadPool, IdleThreadsExitAndAreReplacedOnDemand) {
  ElasticThreadPool pool(std::chrono::milliseconds(1));
  std::atomic<int> ran{0};
  pool.submit([&] { ++ran; });
  // Wait for the only thread to retire (it exits after 1 ms idle).
  while (pool.thread_count() != 0)
    std::this_thread::yield();
  std::mutex mu;
  std::condition_variable cv;
  pool.submit([&] {
    std::lock_guard<std::mutex> lock(mu);
    ++ran;
    cv.notify_all();
  });
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return ran == 2; });
}

}  // namespace
}  // namespace hvo::net
