#include <fcntl.h>
#include <unistd.h>

#include <ctime>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "common/metrics/registry.h"

namespace hvo::metrics {
namespace {

// Sample name → value, for the unlabelled samples of an exposition.
std::map<std::string, double> samples(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#' || line.find('{') != std::string::npos) {
      continue;
    }
    const auto space = line.find(' ');
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

TEST(ProcessMetrics, ReportsThisProcess) {
  Registry registry;
  register_process_metrics(registry);
  auto values = samples(registry.expose());

  EXPECT_GT(values.at("process_resident_memory_bytes"), 0);
  EXPECT_GE(values.at("process_virtual_memory_bytes"), values.at("process_resident_memory_bytes"));
  EXPECT_GE(values.at("process_cpu_seconds_total"), 0);
  EXPECT_GE(values.at("process_max_fds"), values.at("process_open_fds"));
  // Started after boot and not in the future.
  EXPECT_GT(values.at("process_start_time_seconds"), 1.5e9);
  EXPECT_LE(values.at("process_start_time_seconds"), static_cast<double>(std::time(nullptr)) + 1);
}

TEST(ProcessMetrics, OpenFdsFollowsTheDescriptorTable) {
  Registry registry;
  register_process_metrics(registry);
  const double before = samples(registry.expose()).at("process_open_fds");
  const int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  const double during = samples(registry.expose()).at("process_open_fds");
  close(fd);
  EXPECT_EQ(during, before + 1);
}

}  // namespace
}  // namespace hvo::metrics
