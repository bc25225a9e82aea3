// Delays between retries: a per-key exponential backoff (controller-runtime's work queue, 5 ms
// doubling up to 1000 s) and a jittered exponential backoff for reconnect loops (the reflector's
// relist, the REST client's retries).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "operator/clock.h"

namespace hvo::kube {

// base * 2^failures, capped at max.
Duration exponential_delay(Duration base, Duration max, int failures);

// Counts failures per key; when(key) returns the delay for the next retry and counts it.
class ItemExponentialBackoff {
 public:
  ItemExponentialBackoff(Duration base = std::chrono::milliseconds(5),
                         Duration max = std::chrono::seconds(1000))
      : base_(base), max_(max) {}

  Duration when(const std::string& key);
  // The key succeeded: its next failure starts again at `base`.
  void forget(const std::string& key);
  int failures(const std::string& key) const;

 private:
  Duration base_;
  Duration max_;
  mutable std::mutex mu_;
  std::map<std::string, int> failures_;
};

// Uniform numbers in [0, 1); injectable so jitter is deterministic in tests.
using RandomSource = std::function<double()>;
RandomSource default_random();

// Successive delays initial, initial*factor, ... capped at max, each stretched by up to `jitter`
// times itself (client-go's wait.Backoff with Jitter). reset() starts over; the reflector resets
// after a watch that lasted long enough to count as healthy.
class JitteredBackoff {
 public:
  JitteredBackoff(Duration initial, Duration max, double factor = 2.0, double jitter = 1.0,
                  RandomSource random = default_random())
      : initial_(initial),
        max_(max),
        factor_(factor),
        jitter_(jitter),
        random_(std::move(random)),
        current_(initial) {}

  Duration next();
  void reset() { current_ = initial_; }

 private:
  Duration initial_;
  Duration max_;
  double factor_;
  double jitter_;
  RandomSource random_;
  Duration current_;
};

}  // namespace hvo::kube
