// A Prometheus gauge: a value that goes up and down (queue depth, VMs by phase, memory).
#pragma once

#include <atomic>

#include "common/metrics/atomic_double.h"

namespace hvo::metrics {

class Gauge {
 public:
  void set(double value) { value_.store(value, std::memory_order_relaxed); }
  void inc(double amount = 1.0) { atomic_add(value_, amount); }
  void dec(double amount = 1.0) { atomic_add(value_, -amount); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

}  // namespace hvo::metrics
