// Amounts of the three resources a VM takes on a host, in the units the scheduler and the quota
// ledger compute with: whole vCPUs and bytes. Quantities are converted at the edge.
#pragma once

#include <cstdint>
#include <string>

namespace hvo::controllers {

struct ResourceAmounts {
  std::int64_t cpu = 0;      // vCPUs
  std::int64_t memory = 0;   // bytes
  std::int64_t storage = 0;  // bytes

  ResourceAmounts& operator+=(const ResourceAmounts& other) {
    cpu += other.cpu;
    memory += other.memory;
    storage += other.storage;
    return *this;
  }
  ResourceAmounts& operator-=(const ResourceAmounts& other) {
    cpu -= other.cpu;
    memory -= other.memory;
    storage -= other.storage;
    return *this;
  }
  friend ResourceAmounts operator+(ResourceAmounts a, const ResourceAmounts& b) { return a += b; }
  friend bool operator==(const ResourceAmounts& a, const ResourceAmounts& b) {
    return a.cpu == b.cpu && a.memory == b.memory && a.storage == b.storage;
  }
};

// "8Gi", "1536Mi", "512": a byte count as a person reads it (binary SI, as users write memory).
std::string format_bytes(std::int64_t bytes);

}  // namespace hvo::controllers
