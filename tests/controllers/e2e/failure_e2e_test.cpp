// Failures of the processes around the VMs: an agent that dies (its host turns NotReady, its VMs
// HostReachable=False and are left alone, and all recovers when it comes back) and an operator
// killed with SIGKILL in the middle of creating 50 VMs (after a restart, exactly 50 VMs exist on
// the agents and the quota's use is exact).
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/controllers/e2e/e2e_support.h"

namespace hvo::testing {
namespace {

using std::chrono::seconds;

bool host_condition(OperatorCluster& cluster, const std::string& host, const std::string& type,
                    const std::string& status) {
  auto object = cluster.get("hypervhosts", "", host);
  return object && condition_is(*object, type, status);
}

std::string host_status_text(OperatorCluster& cluster, const std::string& host) {
  auto object = cluster.get("hypervhosts", "", host);
  return object ? object->value("status", nlohmann::json::object()).dump() : host + " missing";
}

TEST(OperatorFailureE2E, AKilledAgentMakesItsHostNotReadyLeavesItsVmsAloneAndRecovers) {
  OperatorClusterOptions options;
  options.host_heartbeat_timeout = seconds(8);
  OperatorCluster cluster(options);
  cluster.apply(join_documents({tenant_yaml("t1"), quota_yaml("t1", "t1", {64, "256Gi", 100})}));
  std::vector<std::string> documents;
  for (const auto& name : {"on-1a", "on-1b"}) {
    VmShape vm = vm_shape(name, "t1");
    vm.pinned_host = "hv-01";
    documents.push_back(vm_yaml(vm));
  }
  VmShape elsewhere = vm_shape("elsewhere", "t1");
  elsewhere.pinned_host = "hv-02";
  documents.push_back(vm_yaml(elsewhere));
  cluster.apply(join_documents(documents));
  for (const auto& name : {"on-1a", "on-1b"}) {
    ASSERT_TRUE(eventually([&] { return vm_ready(cluster, "t1", name); }))
        << vm_status_text(cluster, "t1", name);
  }
  ASSERT_TRUE(eventually([&] { return host_condition(cluster, "hv-01", "Ready", "True"); }));
  const auto before = cluster.agent("hv-01").inventory();
  ASSERT_EQ(before.size(), 2u);

  cluster.agent("hv-01").kill();
  EXPECT_TRUE(eventually([&] { return host_condition(cluster, "hv-01", "Ready", "False"); }))
      << host_status_text(cluster, "hv-01");
  EXPECT_TRUE(host_condition(cluster, "hv-01", "Reachable", "False"))
      << host_status_text(cluster, "hv-01");
  for (const auto& name : {"on-1a", "on-1b"}) {
    EXPECT_TRUE(eventually([&] {
      return condition_is(vm_object(cluster, "t1", name), "HostReachable", "False");
    })) << vm_status_text(cluster, "t1", name);
    // Untouched: still placed on hv-01, not moved, not deleted.
    EXPECT_EQ(status_string(vm_object(cluster, "t1", name), "host"), "hv-01");
  }
  // The other hosts carry on.
  EXPECT_TRUE(host_condition(cluster, "hv-02", "Ready", "True"))
      << host_status_text(cluster, "hv-02");
  EXPECT_TRUE(eventually([&] {
    const auto vm = vm_object(cluster, "t1", "elsewhere");
    return condition_is(vm, "Ready", "True") && condition_is(vm, "HostReachable", "True");
  })) << vm_status_text(cluster, "t1", "elsewhere");

  cluster.agent("hv-01").start();
  EXPECT_TRUE(eventually([&] { return host_condition(cluster, "hv-01", "Ready", "True"); }))
      << host_status_text(cluster, "hv-01");
  for (const auto& name : {"on-1a", "on-1b"}) {
    EXPECT_TRUE(eventually([&] {
      const auto vm = vm_object(cluster, "t1", name);
      return condition_is(vm, "HostReachable", "True") && condition_is(vm, "Ready", "True");
    })) << vm_status_text(cluster, "t1", name);
  }
  // The same VMs (same Hyper-V ids) as before the outage: nothing was recreated.
  std::map<std::string, std::string> ids_before;
  for (const auto& vm : before)
    ids_before[vm.value("uid", "")] = vm.value("vmId", "");
  std::map<std::string, std::string> ids_after;
  for (const auto& vm : cluster.agent("hv-01").inventory())
    ids_after[vm.value("uid", "")] = vm.value("vmId", "");
  EXPECT_EQ(ids_after, ids_before);
}

TEST(OperatorFailureE2E, SigkillDuringFiftyCreatesLeavesExactlyFiftyVmsAndExactQuota) {
  constexpr int kVmCount = 50;
  OperatorClusterOptions options;
  options.create_ms = 100;  // creations take a while, so the kill lands among them
  OperatorCluster cluster(options);
  cluster.apply(join_documents({tenant_yaml("t1"), quota_yaml("t1", "t1", {200, "256Gi", 200})}));
  std::vector<std::string> documents;
  for (int i = 0; i < kVmCount; ++i)
    documents.push_back(vm_yaml(vm_shape("bulk-" + std::to_string(i), "t1")));
  cluster.apply(join_documents(documents));

  // Kill it once some, but not all, VMs exist on the agents.
  ASSERT_TRUE(eventually([&] { return cluster.all_agent_uids().size() >= 5; }, seconds(120)))
      << cluster.operator_log().substr(0, 4000);
  cluster.kill_operator();
  const std::size_t at_kill = cluster.all_agent_uids().size();
  RecordProperty("vms_on_agents_at_kill", static_cast<int>(at_kill));
  std::cout << "vms_on_agents_at_kill=" << at_kill << "\n";
  // The kill must land among the creations for this test to mean anything.
  EXPECT_LT(at_kill, static_cast<std::size_t>(kVmCount));
  cluster.start_operator();

  const auto all_ready = [&] {
    const auto vms = cluster.list(kVms, "t1");
    return vms.size() == kVmCount && std::all_of(vms.begin(), vms.end(), [](const auto& vm) {
             return condition_is(vm, "Ready", "True");
           });
  };
  ASSERT_TRUE(eventually(all_ready, seconds(180))) << "VMs on agents when killed: " << at_kill;

  std::set<std::string> expected;
  for (const auto& vm : cluster.list(kVms, "t1"))
    expected.insert(vm["metadata"].value("uid", ""));
  auto on_agents = cluster.all_agent_uids();
  std::sort(on_agents.begin(), on_agents.end());
  EXPECT_EQ(on_agents.size(), static_cast<std::size_t>(kVmCount))
      << "VMs on agents when killed: " << at_kill;
  EXPECT_EQ(std::adjacent_find(on_agents.begin(), on_agents.end()), on_agents.end())
      << "a VM exists twice";
  EXPECT_EQ(std::set<std::string>(on_agents.begin(), on_agents.end()), expected);

  const auto used = [&](const std::string& resource) {
    auto quota = cluster.get("quotas", "", "t1");
    if (!quota || !quota->contains("status") || !(*quota)["status"].contains("used"))
      return int64_t{-1};
    return quantity_value((*quota)["status"]["used"].value(resource, nlohmann::json()));
  };
  EXPECT_TRUE(eventually([&] {
    return used("vms") == kVmCount && used("vcpus") == kVmCount &&
           used("memory") == kVmCount * (512LL << 20);
  })) << cluster.get("quotas", "", "t1")->dump();
}

}  // namespace
}  // namespace hvo::testing
