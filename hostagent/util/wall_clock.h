// Calendar time in Unix milliseconds: operation timestamps and sim transition deadlines, which
// outlive the process (state file, API answers), so they are wall-clock, not steady-clock.
#pragma once

#include <chrono>
#include <cstdint>

namespace hvo::agent {

inline int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace hvo::agent
