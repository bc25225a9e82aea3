// Token buckets: the REST client's client-side limit (QPS/burst, like client-go's flowcontrol)
// and the work queue's overall limit, combined with per-key backoff into controller-runtime's
// default rate limiter.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>

#include "operator/backoff.h"
#include "operator/clock.h"

namespace hvo::kube {

// Holds up to `burst` tokens, refilled at `qps` per second. Thread-safe.
class TokenBucket {
 public:
  TokenBucket(double qps, int burst, const Clock& clock = real_clock());

  // Takes a token now, going into debt if none is left, and returns how long the caller must
  // wait before acting (zero when a token was available). Like rate.Limiter.Reserve().Delay().
  Duration reserve();
  // reserve(), then sleeps on the clock for the delay.
  void wait();
  // Takes a token only if one is available now; false (and nothing taken) otherwise.
  bool try_take();

 private:
  void refill(SteadyTime now);

  double qps_;
  double burst_;
  const Clock& clock_;
  std::mutex mu_;
  double tokens_;
  SteadyTime last_;
};

// controller-runtime's DefaultTypedControllerRateLimiter: the larger of a per-key exponential
// backoff (5 ms .. 1000 s) and an overall bucket (10 qps, burst 100).
class WorkQueueRateLimiter {
 public:
  struct Options {
    Duration base_delay = std::chrono::milliseconds(5);
    Duration max_delay = std::chrono::seconds(1000);
    double qps = 10;
    int burst = 100;
  };
  explicit WorkQueueRateLimiter(const Clock& clock = real_clock())
      : WorkQueueRateLimiter(Options(), clock) {}
  WorkQueueRateLimiter(const Options& options, const Clock& clock)
      : per_key_(options.base_delay, options.max_delay),
        overall_(options.qps, options.burst, clock) {}

  Duration when(const std::string& key) {
    const Duration backoff = per_key_.when(key);
    const Duration bucket = overall_.reserve();
    return std::max(backoff, bucket);
  }
  void forget(const std::string& key) { per_key_.forget(key); }
  int num_requeues(const std::string& key) const { return per_key_.failures(key); }

 private:
  ItemExponentialBackoff per_key_;
  TokenBucket overall_;
};

}  // namespace hvo::kube
