#include "operator/backoff.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace hvo::kube {

Duration exponential_delay(Duration base, Duration max, int failures) {
  // Doubling in floating point avoids overflow for large failure counts; the cap bounds it.
  const double scaled = static_cast<double>(base.count()) * std::pow(2.0, std::max(failures, 0));
  if (scaled >= static_cast<double>(max.count()))
    return max;
  return Duration(static_cast<Duration::rep>(scaled));
}

Duration ItemExponentialBackoff::when(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  const int previous = failures_[key]++;
  return exponential_delay(base_, max_, previous);
}

void ItemExponentialBackoff::forget(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  failures_.erase(key);
}

int ItemExponentialBackoff::failures(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

RandomSource default_random() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  auto mu = std::make_shared<std::mutex>();
  return [engine, mu] {
    std::lock_guard<std::mutex> lock(*mu);
    return std::uniform_real_distribution<double>(0.0, 1.0)(*engine);
  };
}

Duration JitteredBackoff::next() {
  const Duration base = current_;
  const double grown = static_cast<double>(current_.count()) * factor_;
  current_ = grown >= static_cast<double>(max_.count())
                 ? max_
                 : Duration(static_cast<Duration::rep>(grown));
  const double stretch = jitter_ > 0 ? 1.0 + jitter_ * random_() : 1.0;
  return Duration(static_cast<Duration::rep>(static_cast<double>(base.count()) * stretch));
}

}  // namespace hvo::kube
