// Where the operator puts VMs (Spread, BinPack, a pinned host, anti-affinity groups) and how
// quotas gate them (QuotaExceeded naming the numbers, prompt admission once raised), through
// the real operator and three sim hosts. Placement is read both from status.host and from the
// agents' inventories.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/controllers/e2e/e2e_support.h"

namespace hvo::testing {
namespace {

void add_roomy_tenant(OperatorCluster& cluster) {
  cluster.apply(join_documents({tenant_yaml("t1"), quota_yaml("t1", "t1", {64, "256Gi", 100})}));
}

// Applies the VMs, waits until all are Ready, and returns name → host as the agents hold them
// (checking it agrees with status.host).
std::map<std::string, std::string> place(OperatorCluster& cluster,
                                         const std::vector<VmShape>& vms) {
  std::vector<std::string> documents;
  for (const auto& vm : vms)
    documents.push_back(vm_yaml(vm));
  cluster.apply(join_documents(documents));
  std::map<std::string, std::string> hosts;
  for (const auto& vm : vms) {
    EXPECT_TRUE(eventually([&] { return vm_ready(cluster, vm.ns, vm.name); }))
        << vm_status_text(cluster, vm.ns, vm.name);
    const std::string on_agent = cluster.host_of_uid(vm_uid(cluster, vm.ns, vm.name));
    EXPECT_EQ(on_agent, status_string(vm_object(cluster, vm.ns, vm.name), "host")) << vm.name;
    hosts[vm.name] = on_agent;
  }
  return hosts;
}

std::set<std::string> distinct(const std::map<std::string, std::string>& hosts) {
  std::set<std::string> values;
  for (const auto& [vm, host] : hosts)
    values.insert(host);
  return values;
}

std::string dump(const std::map<std::string, std::string>& hosts) {
  std::string text;
  for (const auto& [vm, host] : hosts)
    text += vm + "→" + (host.empty() ? "(none)" : host) + " ";
  return text;
}

std::vector<VmShape> three_vms(const std::string& prefix, const std::string& strategy,
                               const std::string& group = "") {
  std::vector<VmShape> vms;
  for (int i = 1; i <= 3; ++i) {
    VmShape vm = vm_shape(prefix + std::to_string(i), "t1");
    vm.strategy = strategy;
    vm.anti_affinity = group;
    vms.push_back(vm);
  }
  return vms;
}

TEST(OperatorPlacementE2E, SpreadPutsEachVmOnADifferentHost) {
  OperatorCluster cluster;
  add_roomy_tenant(cluster);
  const auto hosts = place(cluster, three_vms("spread-", "Spread"));
  EXPECT_EQ(distinct(hosts).size(), 3u) << dump(hosts);
  EXPECT_EQ(distinct(hosts).count(""), 0u) << dump(hosts);
}

TEST(OperatorPlacementE2E, BinPackPutsVmsTogetherOnOneHost) {
  OperatorCluster cluster;
  add_roomy_tenant(cluster);
  const auto hosts = place(cluster, three_vms("pack-", "BinPack"));
  EXPECT_EQ(distinct(hosts).size(), 1u) << dump(hosts);
  EXPECT_EQ(distinct(hosts).count(""), 0u) << dump(hosts);
}

TEST(OperatorPlacementE2E, APinnedVmGoesToItsHost) {
  OperatorCluster cluster;
  add_roomy_tenant(cluster);
  std::vector<VmShape> vms;
  for (const auto& host : {"hv-02", "hv-03", "hv-02"}) {
    VmShape vm = vm_shape("pinned-" + std::to_string(vms.size() + 1), "t1");
    vm.pinned_host = host;
    vms.push_back(vm);
  }
  const auto hosts = place(cluster, vms);
  EXPECT_EQ(hosts.at("pinned-1"), "hv-02") << dump(hosts);
  EXPECT_EQ(hosts.at("pinned-2"), "hv-03") << dump(hosts);
  EXPECT_EQ(hosts.at("pinned-3"), "hv-02") << dump(hosts);
}

TEST(OperatorPlacementE2E, AntiAffinityKeepsAGroupApartEvenWhenBinPacking) {
  OperatorCluster cluster;
  add_roomy_tenant(cluster);
  // BinPack would put them together; the group forbids sharing a host.
  auto vms = three_vms("web-", "BinPack", "web");
  const auto hosts = place(cluster, vms);
  EXPECT_EQ(distinct(hosts).size(), 3u) << dump(hosts);

  // A fourth member has nowhere to go: Scheduled=False says why, and no agent gets it.
  VmShape fourth = vm_shape("web-4", "t1");
  fourth.strategy = "BinPack";
  fourth.anti_affinity = "web";
  cluster.apply(vm_yaml(fourth));
  EXPECT_TRUE(eventually([&] {
    return condition_is(vm_object(cluster, "t1", "web-4"), "Scheduled", "False");
  })) << vm_status_text(cluster, "t1", "web-4");
  EXPECT_EQ(cluster.all_agent_uids().size(), 3u);
}

TEST(OperatorQuotaE2E, OverQuotaStaysPendingWithTheNumbersAndRaisingTheQuotaAdmitsIt) {
  OperatorCluster cluster;
  cluster.apply(join_documents({tenant_yaml("t1"), quota_yaml("t1", "t1", {2, "", 10})}));
  VmShape first = vm_shape("first", "t1");
  first.cpu = 2;
  cluster.apply(vm_yaml(first));
  ASSERT_TRUE(eventually([&] { return vm_ready(cluster, "t1", "first"); }))
      << vm_status_text(cluster, "t1", "first");

  VmShape second = vm_shape("second", "t1");
  second.cpu = 2;
  cluster.apply(vm_yaml(second));
  EXPECT_TRUE(eventually([&] {
    const auto vm = vm_object(cluster, "t1", "second");
    const auto reserved = find_condition(vm, "QuotaReserved");
    return status_string(vm, "phase") == "Pending" && reserved &&
           reserved->value("status", "") == "False" &&
           reserved->value("reason", "") == "QuotaExceeded";
  })) << vm_status_text(cluster, "t1", "second");
  const std::string message = find_condition(vm_object(cluster, "t1", "second"), "QuotaReserved")
                                  .value_or(nlohmann::json::object())
                                  .value("message", "");
  // The message names the resource, what is used, what is requested and the limit.
  for (const auto& part : {"vcpus", "used 2", "requested 2", "hard 2"})
    EXPECT_NE(message.find(part), std::string::npos) << part << " missing in: " << message;
  EXPECT_TRUE(condition_is(vm_object(cluster, "t1", "second"), "Ready", "False"));
  EXPECT_EQ(cluster.all_agent_uids().size(), 1u);
  const std::string second_uid = vm_uid(cluster, "t1", "second");

  cluster.merge_patch("quotas", "", "t1", {{"spec", {{"hard", {{"vcpus", 4}}}}}});
  EXPECT_TRUE(eventually([&] { return vm_ready(cluster, "t1", "second"); }))
      << vm_status_text(cluster, "t1", "second");
  EXPECT_FALSE(cluster.host_of_uid(second_uid).empty());
  EXPECT_TRUE(eventually([&] {
    auto quota = cluster.get("quotas", "", "t1");
    return quota && quota->contains("status") && (*quota)["status"].contains("used") &&
           quantity_value((*quota)["status"]["used"].value("vcpus", nlohmann::json())) == 4;
  })) << cluster.get("quotas", "", "t1")->dump();
}

}  // namespace
}  // namespace hvo::testing
