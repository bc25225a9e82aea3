// Time as a seam: the work queue, backoff, rate limiters, leader election and the informer's
// resync read time and wait through a Clock, so tests drive them with a FakeClock instead of
// sleeping.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace hvo::kube {

using SteadyTime = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;
using Duration = std::chrono::nanoseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic time, for every deadline and interval.
  virtual SteadyTime now() const = 0;
  // Calendar time, only for values written to the API (Lease renewTime, Event eventTime).
  virtual WallTime wall_now() const = 0;
  // Blocks on `cv` (with `lock` held) until notified or until `deadline` on this clock, or
  // returns early for no reason: callers re-check their condition in a loop, as with any
  // condition variable.
  virtual void wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                          SteadyTime deadline) const = 0;
};

// The process clock.
class RealClock final : public Clock {
 public:
  SteadyTime now() const override { return std::chrono::steady_clock::now(); }
  WallTime wall_now() const override { return std::chrono::system_clock::now(); }
  void wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                  SteadyTime deadline) const override {
    cv.wait_until(lock, deadline);
  }
};

// A shared process-wide RealClock for components built without an explicit clock.
const Clock& real_clock();

// Sleeps on this clock until `deadline` or until `stop()` returns true; returns stop()'s last
// answer. `cv` is notified by whoever flips the stop condition (under `lock`'s mutex).
template <typename StopPredicate>
bool sleep_until_or(const Clock& clock, std::condition_variable& cv,
                    std::unique_lock<std::mutex>& lock, SteadyTime deadline, StopPredicate stop) {
  while (!stop()) {
    if (clock.now() >= deadline)
      return false;
    clock.wait_until(cv, lock, deadline);
  }
  return true;
}

}  // namespace hvo::kube
