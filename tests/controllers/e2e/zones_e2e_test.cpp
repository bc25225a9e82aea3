// Zones through the real operator and four sim hosts (hv-01 and hv-03 in zone rack-a, hv-02 and
// hv-04 in rack-b, as OperatorCluster labels them): Spread alternates zones before it fills
// hosts, and an anti-affinity group with antiAffinityTopology Zone gets one member per zone.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/controllers/e2e/e2e_support.h"

namespace hvo::testing {
namespace {

OperatorClusterOptions four_hosts() {
  OperatorClusterOptions options;
  options.hosts = 4;
  return options;
}

std::string zone_of(const std::string& host) {
  // OperatorCluster: odd-numbered hosts are rack-a, even-numbered ones rack-b.
  return (host.back() - '0') % 2 == 1 ? "rack-a" : "rack-b";
}

// Applies one VM and waits until the operator has placed it (status.host); "" if it did not.
std::string place_one(OperatorCluster& cluster, const VmShape& vm) {
  cluster.apply(vm_yaml(vm));
  std::string host;
  eventually([&] {
    host = status_string(vm_object(cluster, vm.ns, vm.name), "host");
    return !host.empty();
  });
  return host;
}

TEST(OperatorZonesE2E, SpreadOverTwoZonesOfTwoHostsAlternatesZones) {
  OperatorCluster cluster(four_hosts());
  cluster.apply(join_documents({tenant_yaml("t1"), quota_yaml("t1", "t1", {64, "256Gi", 100})}));
  std::vector<std::string> hosts;
  std::vector<std::string> zones;
  for (int i = 1; i <= 4; ++i) {
    VmShape vm = vm_shape("spread-" + std::to_string(i), "t1");
    vm.strategy = "Spread";
    const std::string host = place_one(cluster, vm);
    ASSERT_FALSE(host.empty()) << vm_status_text(cluster, "t1", vm.name);
    hosts.push_back(host);
    zones.push_back(zone_of(host));
  }
  EXPECT_EQ(hosts, (std::vector<std::string>{"hv-01", "hv-02", "hv-03", "hv-04"}));
  EXPECT_EQ(zones, (std::vector<std::string>{"rack-a", "rack-b", "rack-a", "rack-b"}));
  for (int i = 1; i <= 4; ++i) {
    const std::string name = "spread-" + std::to_string(i);
    EXPECT_TRUE(eventually([&] { return vm_ready(cluster, "t1", name); }))
        << vm_status_text(cluster, "t1", name);
    EXPECT_EQ(cluster.host_of_uid(vm_uid(cluster, "t1", name)), hosts[i - 1]) << name;
  }
}

TEST(OperatorZonesE2E, AZoneGroupOfThreeOnTwoZonesLeavesTheThirdUnschedulable) {
  OperatorCluster cluster(four_hosts());
  cluster.apply(join_documents({tenant_yaml("t1"), quota_yaml("t1", "t1", {64, "256Gi", 100})}));
  std::vector<std::string> zones;
  for (int i = 1; i <= 2; ++i) {
    VmShape vm = vm_shape("db-" + std::to_string(i), "t1");
    vm.strategy = "BinPack";  // would share a host, and a zone, without the group
    vm.anti_affinity = "db";
    vm.anti_affinity_topology = "Zone";
    const std::string host = place_one(cluster, vm);
    ASSERT_FALSE(host.empty()) << vm_status_text(cluster, "t1", vm.name);
    zones.push_back(zone_of(host));
  }
  EXPECT_NE(zones[0], zones[1]);

  VmShape third = vm_shape("db-3", "t1");
  third.anti_affinity = "db";
  third.anti_affinity_topology = "Zone";
  cluster.apply(vm_yaml(third));
  EXPECT_TRUE(eventually([&] {
    return condition_is(vm_object(cluster, "t1", "db-3"), "Scheduled", "False");
  })) << vm_status_text(cluster, "t1", "db-3");
  const auto scheduled = find_condition(vm_object(cluster, "t1", "db-3"), "Scheduled");
  ASSERT_TRUE(scheduled);
  EXPECT_EQ(scheduled->value("message", ""),
            "0/4 hosts fit: 4 are in zones that already run a VM of anti-affinity group db "
            "(antiAffinityTopology Zone)");
  EXPECT_EQ(status_string(vm_object(cluster, "t1", "db-3"), "host"), "");
  EXPECT_EQ(cluster.all_agent_uids().size(), 2u);
}

}  // namespace
}  // namespace hvo::testing
