#include "common/net/elastic_thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace hvo::net {
namespace {

// Counts arrivals and lets the test wait until `count` tasks run at the same time.
class Gate {
 public:
  void arrive_and_wait() {
    std::unique_lock<std::mutex> lock(mu_);
    ++arrived_;
    changed_.notify_all();
    changed_.wait(lock, [this] { return open_; });
  }
  void wait_for_arrivals(int count) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [&] { return arrived_ >= count; });
  }
  void open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  int arrived_ = 0;
  bool open_ = false;
};

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

TEST(ElasticThreadPool, ReusesIdleThreads) {
  ElasticThreadPool pool;
  for (int i = 0; i < 20; ++i) {
    std::mutex mu;
    std::condition_variable done_cv;
    bool done = false;
    pool.submit([&] {
      std::lock_guard<std::mutex> lock(mu);
      done = true;
      done_cv.notify_all();
    });
    std::unique_lock<std::mutex> lock(mu);
    done_cv.wait(lock, [&] { return done; });
  }
  // Sequential tasks never need more than the one thread that is idle between them (plus one
  // that may still be between finishing a task and waiting for the next).
  EXPECT_LE(pool.thread_count(), 2u);
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
