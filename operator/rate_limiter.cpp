#include "operator/rate_limiter.h"

#include <algorithm>

namespace hvo::kube {

TokenBucket::TokenBucket(double qps, int burst, const Clock& clock)
    : qps_(qps), burst_(std::max(burst, 1)), clock_(clock), tokens_(burst_), last_(clock.now()) {}

void TokenBucket::refill(SteadyTime now) {
  if (now <= last_)
    return;
  const double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(burst_, tokens_ + elapsed * qps_);
  last_ = now;
}

Duration TokenBucket::reserve() {
  std::lock_guard<std::mutex> lock(mu_);
  if (qps_ <= 0)
    return Duration::zero();  // a non-positive rate means "no limit"
  refill(clock_.now());
  tokens_ -= 1.0;
  if (tokens_ >= 0)
    return Duration::zero();
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(-tokens_ / qps_));
}

bool TokenBucket::try_take() {
  std::lock_guard<std::mutex> lock(mu_);
  if (qps_ <= 0)
    return true;
  refill(clock_.now());
  if (tokens_ < 1.0)
    return false;
  tokens_ -= 1.0;
  return true;
}

void TokenBucket::wait() {
  const Duration delay = reserve();
  if (delay <= Duration::zero())
    return;
  std::mutex mu;
  std::condition_variable never_notified;
  std::unique_lock<std::mutex> lock(mu);
  sleep_until_or(clock_, never_notified, lock, clock_.now() + delay, [] { return false; });
}

}  // namespace hvo::kube
