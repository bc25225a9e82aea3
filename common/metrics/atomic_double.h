// Arithmetic on std::atomic<double>. C++17 has no fetch_add for floating-point atomics (that
// arrives in C++20), so additions go through a compare-and-swap loop.
#pragma once

#include <atomic>

namespace hvo::metrics {

// Adds `amount` to `target` atomically; concurrent callers never lose an update.
inline void atomic_add(std::atomic<double>& target, double amount) {
  double current = target.load(std::memory_order_relaxed);
  // On failure compare_exchange_weak reloads `current`, so the sum is recomputed from the value
  // another thread just stored.
  while (!target.compare_exchange_weak(current, current + amount, std::memory_order_relaxed)) {
  }
}

// Raises `target` to `floor` unless it is already at least that high. Keeps a counter monotonic
// when it mirrors a cumulative value read from elsewhere (CPU seconds from the kernel).
inline void atomic_raise_to(std::atomic<double>& target, double floor) {
  double current = target.load(std::memory_order_relaxed);
  while (current < floor &&
         !target.compare_exchange_weak(current, floor, std::memory_order_relaxed)) {
  }
}

}  // namespace hvo::metrics
