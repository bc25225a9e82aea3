// A clock the test moves by hand. Waiters poll it in short real-time slices, so code that sleeps
// on it wakes up soon after advance() without the test ever sleeping for the simulated time.
// sleepers_caught_up() counts the threads asleep on it that have seen the latest advance(), so a
// test can move time only as fast as the code under test keeps up with it (on a loaded machine
// a thread may otherwise miss several advances and observe a much later time than intended).
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "operator/clock.h"

namespace hvo::kube::testing {

class FakeClock final : public Clock {
 public:
  SteadyTime now() const override { return SteadyTime(offset()); }
  WallTime wall_now() const override {
    return WallTime(std::chrono::duration_cast<WallTime::duration>(
        std::chrono::seconds(1'800'000'000) + offset()));
  }
  void wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                  SteadyTime deadline) const override {
    if (now() >= deadline)
      return;
    if (auto_advance_) {
      // Single-threaded sleepers (retry delays) jump straight to their deadline.
      offset_ns_ += (deadline - now()).count();
      return;
    }
    // The epoch is read before the time: a sleeper recorded at the current epoch has seen the
    // current time and still found its deadline ahead.
    const int64_t seen = epoch_.load();
    if (now() >= deadline)
      return;
    {
      std::lock_guard<std::mutex> guard(sleepers_mu_);
      sleepers_[std::this_thread::get_id()] = seen;
    }
    cv.wait_for(lock, std::chrono::microseconds(200));
    std::lock_guard<std::mutex> guard(sleepers_mu_);
    sleepers_.erase(std::this_thread::get_id());
  }

  void advance(Duration by) {
    offset_ns_ += by.count();
    ++epoch_;
  }
  // Threads now asleep on this clock that went to sleep after the latest advance().
  int sleepers_caught_up() const {
    std::lock_guard<std::mutex> guard(sleepers_mu_);
    int count = 0;
    for (const auto& [thread, seen] : sleepers_) {
      if (seen == epoch_.load())
        ++count;
    }
    return count;
  }
  // Every wait moves the clock to its deadline at once: for code that only sleeps between
  // attempts, so a test reads how long it slept from the clock.
  void set_auto_advance(bool on) { auto_advance_ = on; }

 private:
  Duration offset() const { return Duration(offset_ns_.load()); }
  std::atomic<bool> auto_advance_{false};
  std::atomic<int64_t> epoch_{0};
  mutable std::mutex sleepers_mu_;
  mutable std::map<std::thread::id, int64_t> sleepers_;  // thread -> epoch it went to sleep in
  mutable std::atomic<int64_t> offset_ns_{std::chrono::nanoseconds(std::chrono::hours(1)).count()};
};

}  // namespace hvo::kube::testing
