#include "common/metrics/proc_stat_parser.h"

#include <sstream>
#include <vector>

namespace hvo::metrics {

std::optional<ProcPidStat> parse_proc_pid_stat(const std::string& text) {
  const size_t comm_end = text.rfind(')');
  if (comm_end == std::string::npos) {
    return std::nullopt;
  }
  // Fields after the command name start with field 3 (state), so field N is fields[N - 3].
  std::istringstream rest(text.substr(comm_end + 1));
  std::vector<std::string> fields;
  for (std::string field; rest >> field;) {
    fields.push_back(field);
  }
  if (fields.size() < 22) {
    return std::nullopt;
  }
  auto field = [&](int number, uint64_t& out) {
    const std::string& digits = fields[number - 3];
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) {
      return false;
    }
    out = std::stoull(digits);
    return true;
  };
  ProcPidStat stat;
  if (!field(14, stat.utime_ticks) || !field(15, stat.stime_ticks) ||
      !field(22, stat.starttime_ticks) || !field(23, stat.vsize_bytes) ||
      !field(24, stat.rss_pages)) {
    return std::nullopt;
  }
  return stat;
}

std::optional<uint64_t> parse_boot_time(const std::string& proc_stat_text) {
  std::istringstream lines(proc_stat_text);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string key;
    uint64_t seconds = 0;
    if (words >> key && key == "btime" && words >> seconds) {
      return seconds;
    }
  }
  return std::nullopt;
}

}  // namespace hvo::metrics
