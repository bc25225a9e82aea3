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
    if (auto_advance_) {
      // Single-threaded sleepers (retry delays) jump straight to their deadline.
      offset_ns_ += (deadline - now()).count();
      return;
    }
    cv.wait_for(lock, std::chrono::microseconds(200));
  }

  void advance(Duration by) { offset_ns_ += by.count(); }
  // Every wait moves the clock to its deadline at once: for code that only sleeps between
  // attempts, so a test reads how long it slept from the clock.
  void set_auto_advance(bool on) { auto_advance_ = on; }

 private:
  Duration offset() const { return Duration(offset_ns_.load()); }
  std::atomic<bool> auto_advance_{false};
  mutable std::atomic<int64_t> offset_ns_{std::chrono::nanoseconds(std::chrono::hours(1)).count()};
};

}  // namespace hvo::kube::testing
