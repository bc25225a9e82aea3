// Built only on Windows (see CMakeLists.txt), where the agent runs as a service.
#include <windows.h>
// psapi.h uses windows.h's types: it comes second.
#include <psapi.h>

#include <string>

#include "common/metrics/process_stats.h"

namespace hvo::metrics {
namespace {

// FILETIME counts 100 ns intervals; as a point in time, since 1601-01-01.
constexpr double kFileTimeTicksPerSecond = 1e7;
constexpr unsigned long long kUnixEpochAsFileTime = 116444736000000000ULL;

unsigned long long to_u64(const FILETIME& t) {
  return (static_cast<unsigned long long>(t.dwHighDateTime) << 32) | t.dwLowDateTime;
}

Error last_error(const char* call) {
  return Error(ErrorCode::kUnavailable,
               std::string(call) + " failed: Windows error " + std::to_string(GetLastError()));
}

}  // namespace

Result<ProcessStats> read_process_stats() {
  const HANDLE self = GetCurrentProcess();
  PROCESS_MEMORY_COUNTERS_EX memory{};
  if (!GetProcessMemoryInfo(self, reinterpret_cast<PROCESS_MEMORY_COUNTERS*>(&memory),
                            sizeof(memory))) {
    return last_error("GetProcessMemoryInfo");
  }
  FILETIME created{}, exited{}, kernel{}, user{};
  if (!GetProcessTimes(self, &created, &exited, &kernel, &user)) {
    return last_error("GetProcessTimes");
  }
  DWORD handles = 0;
  if (!GetProcessHandleCount(self, &handles)) {
    return last_error("GetProcessHandleCount");
  }

  ProcessStats stats;
  stats.resident_memory_bytes = static_cast<double>(memory.WorkingSetSize);
  stats.virtual_memory_bytes = static_cast<double>(memory.PrivateUsage);
  stats.cpu_seconds = static_cast<double>(to_u64(kernel) + to_u64(user)) / kFileTimeTicksPerSecond;
  stats.open_fds = static_cast<double>(handles);
  // Windows has no per-process handle limit; client_golang reports the kernel's 16 Mi ceiling.
  stats.max_fds = 16.0 * 1024 * 1024;
  stats.start_time_seconds =
      static_cast<double>(to_u64(created) - kUnixEpochAsFileTime) / kFileTimeTicksPerSecond;
  return stats;
}

}  // namespace hvo::metrics
