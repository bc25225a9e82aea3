// Per-VM usage: the exporter's counters only go up (a driver reset counts as new usage) and lose
// the series of a VM that is gone; the sim's figures grow while a VM runs and stand still while
// it is off; a usage.ps1 row names the VM's namespace and name from its host name.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/metrics/registry.h"
#include "hostagent/hyperv/usage_row.h"
#include "hostagent/server/vm_usage_metrics.h"
#include "hostagent/sim/sim_usage.h"

namespace hvo::agent {
namespace {

VmUsage reading(const std::string& uid, double cpu, std::int64_t disk_read) {
  VmUsage usage;
  usage.uid = uid;
  usage.ns = "team-a";
  usage.name = "web-" + uid;
  usage.cpu_seconds = cpu;
  usage.memory_assigned_bytes = 2048;
  usage.disk_read_bytes = disk_read;
  return usage;
}

std::string series(const std::string& metric, const std::string& uid) {
  return metric + "{namespace=\"team-a\",name=\"web-" + uid + "\",uid=\"" + uid + "\"} ";
}

double value(const std::string& exposition, const std::string& metric, const std::string& uid) {
  const auto at = exposition.find(series(metric, uid));
  if (at == std::string::npos)
    return -1;
  return std::stod(exposition.substr(at + series(metric, uid).size()));
}

TEST(VmUsageMetrics, CountersFollowTheDriversFiguresAndNeverGoDown) {
  metrics::Registry registry;
  VmUsageMetrics usage(registry);
  usage.publish({reading("1", 10, 1000)});
  EXPECT_EQ(value(registry.expose(), "hyperv_agent_vm_cpu_seconds_total", "1"), 10);
  usage.publish({reading("1", 25, 4000)});
  EXPECT_EQ(value(registry.expose(), "hyperv_agent_vm_cpu_seconds_total", "1"), 25);
  EXPECT_EQ(value(registry.expose(), "hyperv_agent_vm_disk_read_bytes_total", "1"), 4000);
  // Metering reset on the host: the driver starts again from 3; all of it is new usage.
  usage.publish({reading("1", 3, 500)});
  EXPECT_EQ(value(registry.expose(), "hyperv_agent_vm_cpu_seconds_total", "1"), 28);
  EXPECT_EQ(value(registry.expose(), "hyperv_agent_vm_disk_read_bytes_total", "1"), 4500);
  EXPECT_EQ(value(registry.expose(), "hyperv_agent_vm_memory_assigned_bytes", "1"), 2048);
}

TEST(VmUsageMetrics, AVmNoLongerReportedLosesItsSeries) {
  metrics::Registry registry;
  VmUsageMetrics usage(registry);
  usage.publish({reading("1", 1, 1), reading("2", 2, 2)});
  usage.publish({reading("2", 3, 3)});
  const std::string exposition = registry.expose();
  EXPECT_EQ(exposition.find("uid=\"1\""), std::string::npos) << exposition;
  EXPECT_EQ(value(exposition, "hyperv_agent_vm_network_receive_bytes_total", "2"), 0);
  EXPECT_EQ(value(exposition, "hyperv_agent_vm_cpu_seconds_total", "2"), 3);
}

TEST(VmUsageMetrics, ANameLearntLaterStartsANewSeries) {
  metrics::Registry registry;
  VmUsageMetrics usage(registry);
  VmUsage unnamed = reading("1", 5, 0);
  unnamed.ns.clear();
  unnamed.name.clear();
  usage.publish({unnamed});
  usage.publish({reading("1", 6, 0)});
  const std::string exposition = registry.expose();
  EXPECT_EQ(exposition.find("namespace=\"\""), std::string::npos) << exposition;
  EXPECT_EQ(value(exposition, "hyperv_agent_vm_cpu_seconds_total", "1"), 6);
}

SimVm sim_vm(VmState state) {
  SimVm vm;
  vm.config.uid = "u-1";
  vm.config.namespace_ = "team-a";
  vm.config.name = "web-1";
  vm.config.cpu.count = 2;
  vm.config.memory.startup_bytes = 1 << 30;
  vm.state = state;
  return vm;
}

TEST(SimUsageMeter, FiguresGrowWhileTheVmRunsAndStandStillWhileItIsOff) {
  SimUsageMeter meter;
  SimVm vm = sim_vm(VmState::kRunning);
  const VmUsage first = meter.sample(vm, 1000);
  EXPECT_EQ(first.cpu_seconds, 0);
  EXPECT_EQ(first.ns, "team-a");
  EXPECT_EQ(first.name, "web-1");
  EXPECT_EQ(first.memory_assigned_bytes, 1 << 30);
  const VmUsage second = meter.sample(vm, 11000);
  EXPECT_GE(second.cpu_seconds, 5.0);  // 10 s at a quarter of each of 2 processors, or more
  EXPECT_GT(second.disk_read_bytes, 0);
  EXPECT_GT(second.disk_write_bytes, 0);
  EXPECT_GT(second.network_rx_bytes, 0);
  EXPECT_GT(second.network_tx_bytes, 0);
  vm.state = VmState::kOff;
  const VmUsage off = meter.sample(vm, 21000);
  EXPECT_EQ(off.cpu_seconds, second.cpu_seconds);
  EXPECT_EQ(off.disk_read_bytes, second.disk_read_bytes);
  EXPECT_EQ(off.memory_assigned_bytes, 0);
  meter.keep_only({});
  vm.state = VmState::kRunning;
  EXPECT_EQ(meter.sample(vm, 31000).cpu_seconds, 0) << "forgotten: starts again";
}

TEST(UsageRow, NamesTheVmFromItsHostNameAndReadsTheFigures) {
  const auto row = nlohmann::json::parse(R"({
    "vmId": "7d3c", "name": "team-a.web-1.blue", "notes": "hyperv-operator-uid: u-1\nhyperv-operator-image: x",
    "memoryAssignedBytes": 2147483648, "cpuSeconds": 12.5, "diskReadBytes": 5242880,
    "diskWriteBytes": 3145728, "networkRxBytes": 2097152, "networkTxBytes": 1048576})");
  const auto usage = usage_row(row);
  ASSERT_TRUE(usage);
  EXPECT_EQ(usage->uid, "u-1");
  EXPECT_EQ(usage->ns, "team-a");
  EXPECT_EQ(usage->name, "web-1.blue");
  EXPECT_EQ(usage->cpu_seconds, 12.5);
  EXPECT_EQ(usage->memory_assigned_bytes, 2147483648);
  EXPECT_EQ(usage->disk_read_bytes, 5242880);
  EXPECT_EQ(usage->network_tx_bytes, 1048576);
}

TEST(UsageRow, LeavesOutRowsWithAnErrorOrWithoutTheOwnerMarker) {
  EXPECT_FALSE(usage_row(nlohmann::json::parse(
      R"({"name": "a.b", "notes": "hyperv-operator-uid: u-1", "error": "unreadable"})")));
  EXPECT_FALSE(usage_row(nlohmann::json::parse(R"({"name": "a.b", "notes": "hand made"})")));
  const auto renamed = usage_row(nlohmann::json::parse(
      R"({"name": "renamed-by-hand", "notes": "hyperv-operator-uid: u-2", "cpuSeconds": 1})"));
  ASSERT_TRUE(renamed);
  EXPECT_EQ(renamed->ns, "");
  EXPECT_EQ(renamed->name, "");
}

}  // namespace
}  // namespace hvo::agent
