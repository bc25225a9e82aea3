// A Prometheus counter: a value that only goes up (until the process restarts).
#pragma once

#include <atomic>
#include <stdexcept>

#include "common/metrics/atomic_double.h"

namespace hvo::metrics {

class Counter {
 public:
  // Throws std::invalid_argument for a negative amount: a counter that goes down is a bug in
  // the caller, and Prometheus' rate() would read it as a process restart.
  void inc(double amount = 1.0) {
    if (amount < 0) {
      throw std::invalid_argument("counter increment must not be negative");
    }
    atomic_add(value_, amount);
  }

  // Raises the counter to `total` when it is higher; never lowers it. For counters that mirror
  // a cumulative figure owned by someone else (the kernel's CPU time), refreshed at scrape time.
  void advance_to(double total) { atomic_raise_to(value_, total); }

  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

}  // namespace hvo::metrics
