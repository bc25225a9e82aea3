// A Prometheus histogram: observations counted into cumulative buckets, plus their sum and count.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace hvo::metrics {

class Histogram {
 public:
  // `upper_bounds` must be strictly increasing and free of NaN; a trailing +Inf is accepted and
  // dropped (the +Inf bucket is always there). Otherwise throws std::invalid_argument.
  explicit Histogram(std::vector<double> upper_bounds);

  // Lock-free: one atomic increment on the bucket, one CAS loop on the sum. NaN lands in +Inf.
  void observe(double value);

  // Cumulative counts per bucket (same order as bounds, then +Inf), sum and count.
  struct Snapshot {
    std::vector<double> upper_bounds;
    std::vector<uint64_t> cumulative_counts;  // one more entry than upper_bounds (+Inf)
    double sum = 0;
    uint64_t count = 0;
  };
  // `count` always equals the +Inf bucket and buckets never decrease, even while other threads
  // observe; `sum` may miss observations still in flight.
  Snapshot snapshot() const;

  const std::vector<double>& upper_bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // per bucket, not cumulative; last is +Inf
  std::atomic<double> sum_{0.0};
};

// Default buckets of client_golang / controller-runtime (seconds).
std::vector<double> default_buckets();
// exponential_buckets(start, factor, count), like prometheus.ExponentialBuckets: start, start *
// factor, ... Throws std::invalid_argument unless start > 0, factor > 1 and count >= 1.
std::vector<double> exponential_buckets(double start, double factor, int count);

}  // namespace hvo::metrics
