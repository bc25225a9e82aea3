// Per-VM usage on a live agent's /metrics: a VM the operator placed on a sim host shows up in a
// scrape of that agent's process, labelled with its namespace, name and uid, its counters grow
// between scrapes, promtool accepts the exposition, and the series go with the VM.
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <string>
#include <thread>

#include "tests/controllers/e2e/e2e_support.h"
#include "tests/metrics/promtool_check.h"

namespace hvo::testing {
namespace {

// The value of `metric` for the VM's series; -1 when the scrape has none.
double sample(const std::string& exposition, const std::string& metric, const std::string& ns,
              const std::string& name, const std::string& uid) {
  const std::string series =
      metric + "{namespace=\"" + ns + "\",name=\"" + name + "\",uid=\"" + uid + "\"} ";
  const auto at = exposition.find(series);
  if (at == std::string::npos)
    return -1;
  return std::stod(exposition.substr(at + series.size()));
}

OperatorClusterOptions one_host() {
  OperatorClusterOptions options;
  options.hosts = 1;
  return options;
}

TEST(VmUsageMetricsE2E, APlacedVmsUsageAppearsInALiveScrapeAndGrows) {
  OperatorCluster cluster(one_host());
  cluster.apply(join_documents({tenant_yaml("t1"), quota_yaml("t1", "t1", {64, "256Gi", 100})}));
  VmShape vm = vm_shape("metered", "t1");
  vm.cpu = 2;
  vm.memory = "1Gi";
  cluster.apply(vm_yaml(vm));
  ASSERT_TRUE(eventually([&] { return vm_ready(cluster, "t1", "metered"); }))
      << vm_status_text(cluster, "t1", "metered");
  const std::string uid = vm_uid(cluster, "t1", "metered");
  SimAgent& agent = cluster.agent(0);

  const std::string first = agent.metrics();
  const double cpu_before =
      sample(first, "hyperv_agent_vm_cpu_seconds_total", "t1", "metered", uid);
  ASSERT_GE(cpu_before, 0) << first;
  EXPECT_EQ(sample(first, "hyperv_agent_vm_memory_assigned_bytes", "t1", "metered", uid),
            1024.0 * 1024 * 1024);
  const auto verdict = metrics::testing::promtool_check(first);
  EXPECT_TRUE(verdict.passed) << verdict.report << "\n--- exposition ---\n" << first;

  // The sim's counters grow with the time the VM runs: wait until a scrape shows it.
  const char* counters[] = {
      "hyperv_agent_vm_cpu_seconds_total", "hyperv_agent_vm_disk_read_bytes_total",
      "hyperv_agent_vm_disk_write_bytes_total", "hyperv_agent_vm_network_receive_bytes_total",
      "hyperv_agent_vm_network_transmit_bytes_total"};
  std::string later;
  EXPECT_TRUE(eventually([&] {
    later = agent.metrics();
    for (const char* counter : counters) {
      if (sample(later, counter, "t1", "metered", uid) <=
          sample(first, counter, "t1", "metered", uid))
        return false;
    }
    return true;
  })) << "first:\n"
      << first << "\nlater:\n"
      << later;

  cluster.kubectl({"delete", "virtualmachine", "metered", "-n", "t1", "--wait=true"});
  EXPECT_TRUE(
      eventually([&] { return agent.metrics().find("uid=\"" + uid + "\"") == std::string::npos; }));
}

}  // namespace
}  // namespace hvo::testing
