// Parsers for the Linux /proc text the process metrics come from. Pure functions over the file
// contents, so they are tested with fixed strings; the reading happens in process_stats_linux.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace hvo::metrics {

// The fields of /proc/<pid>/stat the process metrics need (see proc(5)).
struct ProcPidStat {
  uint64_t utime_ticks = 0;      // field 14: user CPU time, in clock ticks
  uint64_t stime_ticks = 0;      // field 15: system CPU time, in clock ticks
  uint64_t starttime_ticks = 0;  // field 22: start time after boot, in clock ticks
  uint64_t vsize_bytes = 0;      // field 23: virtual memory size
  uint64_t rss_pages = 0;        // field 24: resident set size, in pages
};

// Parses one /proc/<pid>/stat line. The command name (field 2) sits in parentheses and may hold
// spaces and parentheses itself, so fields are counted from the last ')'. Empty when malformed.
std::optional<ProcPidStat> parse_proc_pid_stat(const std::string& text);

// The "btime" line of /proc/stat: boot time in seconds since the Unix epoch. Empty when absent.
std::optional<uint64_t> parse_boot_time(const std::string& proc_stat_text);

}  // namespace hvo::metrics
