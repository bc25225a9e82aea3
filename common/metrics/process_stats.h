// A snapshot of this process' resource use, read from the operating system. One implementation
// per platform: process_stats_linux.cpp (/proc/self) and process_stats_windows.cpp.
#pragma once

#include "common/status.h"

namespace hvo::metrics {

struct ProcessStats {
  double resident_memory_bytes = 0;
  double virtual_memory_bytes = 0;
  double cpu_seconds = 0;         // user + system
  double open_fds = 0;            // file descriptors (Windows: handles)
  double max_fds = 0;             // soft limit; +Inf when unlimited
  double start_time_seconds = 0;  // since the Unix epoch
};

Result<ProcessStats> read_process_stats();

}  // namespace hvo::metrics
