// A clock the test moves by hand. Waiters poll it in short real-time slices, so code that sleeps
// on it wakes up soon after advance() without the test ever sleeping for the simulated time.
#pragma once

#include <atomic>
#include <chrono>

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
    cv.wait_for(lock, std::chrono::microseconds(200));
  }

  void advance(Duration by) { offset_ns_ += by.count(); }

 private:
  Duration offset() const { return Duration(offset_ns_.load()); }
  std::atomic<int64_t> offset_ns_{std::chrono::nanoseconds(std::chrono::hours(1)).count()};
};

}  // namespace hvo::kube::testing
