// A point in time an operation must finish by, built from a timeout that may be "none".
#pragma once

#include <algorithm>
#include <chrono>

namespace hvo::process {

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  // `timeout` equal to milliseconds::max() means no deadline.
  explicit Deadline(std::chrono::milliseconds timeout)
      : unlimited_(timeout == std::chrono::milliseconds::max()),
        at_(unlimited_ ? Clock::time_point::max() : Clock::now() + timeout) {}

  bool unlimited() const { return unlimited_; }
  bool expired() const { return !unlimited_ && Clock::now() >= at_; }

  // Time left, for handing the rest of a deadline to a call that takes a timeout.
  std::chrono::milliseconds remaining() const {
    if (unlimited_) {
      return std::chrono::milliseconds::max();
    }
    return std::max(std::chrono::milliseconds(0),
                    std::chrono::ceil<std::chrono::milliseconds>(at_ - Clock::now()));
  }

  // Milliseconds left, rounded up so a wait never ends just before the deadline; -1 when
  // unlimited (what poll() takes for "forever"), capped at `cap` when one is given.
  int poll_timeout_ms(int cap = -1) const {
    if (unlimited_) {
      return cap;
    }
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(at_ - Clock::now()).count();
    const long long bounded = std::max<long long>(0, left);
    return static_cast<int>(cap >= 0 ? std::min<long long>(bounded, cap)
                                     : std::min<long long>(bounded, 1 << 30));
  }

 private:
  bool unlimited_;
  Clock::time_point at_;
};

}  // namespace hvo::process
