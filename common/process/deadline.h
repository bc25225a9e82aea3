// A point in time an operation must finish by, built from a timeout that may be "none".
#pragma once

#include <algorithm>
#include <chrono>
#include <climits>

namespace hvo::process {

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  // milliseconds::max() (kNoTimeout) means no deadline; so does anything beyond a century,
  // which would overflow the clock's nanoseconds when added to now.
  explicit Deadline(std::chrono::milliseconds timeout)
      : unlimited_(timeout >= std::chrono::hours(24 * 365 * 100)),
        at_(unlimited_ ? Clock::time_point::max() : Clock::now() + timeout) {}

  bool expired() const { return !unlimited_ && Clock::now() >= at_; }

  // Time left, for handing the rest of a deadline to a call that takes a timeout.
  std::chrono::milliseconds remaining() const {
    if (unlimited_) {
      return std::chrono::milliseconds::max();
    }
    return std::max(std::chrono::milliseconds(0),
                    std::chrono::ceil<std::chrono::milliseconds>(at_ - Clock::now()));
  }

  // Milliseconds left, rounded up so a wait never ends just before the deadline, in the form
  // poll() takes: -1 when unlimited.
  int poll_timeout_ms() const {
    if (unlimited_) {
      return -1;
    }
    return static_cast<int>(std::min<long long>(remaining().count(), INT_MAX));
  }

 private:
  bool unlimited_;
  Clock::time_point at_;
};

}  // namespace hvo::process
