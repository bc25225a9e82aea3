#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/metrics/proc_stat_parser.h"
#include "common/metrics/process_stats.h"

namespace hvo::metrics {
namespace {

Result<std::string> read_file(const char* path) {
  std::ifstream in(path);
  if (!in) {
    return Error(ErrorCode::kUnavailable,
                 std::string("cannot read ") + path + ": " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Entries of /proc/self/fd, without the descriptor opendir itself holds while listing.
Result<double> count_open_fds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) {
    return Error(ErrorCode::kUnavailable,
                 std::string("cannot list /proc/self/fd: ") + std::strerror(errno));
  }
  const std::string own_fd = std::to_string(dirfd(dir));
  double count = 0;
  while (const dirent* entry = readdir(dir)) {
    const std::string name = entry->d_name;
    if (name != "." && name != ".." && name != own_fd) {
      ++count;
    }
  }
  closedir(dir);
  return count;
}

double max_open_fds() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) {
    return INFINITY;
  }
  return static_cast<double>(limit.rlim_cur);
}

}  // namespace

Result<ProcessStats> read_process_stats() {
  auto self_stat_text = read_file("/proc/self/stat");
  if (!self_stat_text.ok()) {
    return self_stat_text.error();
  }
  const auto self_stat = parse_proc_pid_stat(*self_stat_text);
  if (!self_stat) {
    return Error(ErrorCode::kInternal, "cannot parse /proc/self/stat");
  }
  auto system_stat_text = read_file("/proc/stat");
  if (!system_stat_text.ok()) {
    return system_stat_text.error();
  }
  const auto boot_time = parse_boot_time(*system_stat_text);
  if (!boot_time) {
    return Error(ErrorCode::kInternal, "no btime line in /proc/stat");
  }
  auto open_fds = count_open_fds();
  if (!open_fds.ok()) {
    return open_fds.error();
  }

  const double ticks_per_second = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page_size = static_cast<double>(sysconf(_SC_PAGESIZE));
  ProcessStats stats;
  stats.resident_memory_bytes = static_cast<double>(self_stat->rss_pages) * page_size;
  stats.virtual_memory_bytes = static_cast<double>(self_stat->vsize_bytes);
  stats.cpu_seconds =
      static_cast<double>(self_stat->utime_ticks + self_stat->stime_ticks) / ticks_per_second;
  stats.open_fds = *open_fds;
  stats.max_fds = max_open_fds();
  stats.start_time_seconds = static_cast<double>(*boot_time) +
                             static_cast<double>(self_stat->starttime_ticks) / ticks_per_second;
  return stats;
}

}  // namespace hvo::metrics
