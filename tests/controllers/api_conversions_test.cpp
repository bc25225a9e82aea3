// What a VM takes, what it needs of a host, and the API → scheduler/ledger conversions.
#include "controllers/api_conversions.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "controllers/conditions.h"

namespace hvo::controllers {
namespace {

constexpr std::int64_t kGi = 1LL << 30;

api::VirtualMachine vm(const std::string& spec_json, const std::string& status_json = "{}") {
  auto vm = api::VirtualMachine::from_json(nlohmann::json::parse(
      R"({"apiVersion": "hyperv.operator.io/v1alpha1", "kind": "VirtualMachine",
          "metadata": {"name": "web-1", "namespace": "team-a", "uid": "u-1", "generation": 1},
          "spec": )" +
      spec_json + R"(, "status": )" + status_json + "}"));
  EXPECT_TRUE(vm.ok()) << vm.error().message();
  return std::move(vm).value();
}

TEST(VmRequested, CountsCpuDynamicMaximumAndDeclaredDisks) {
  const auto requested = vm_requested(vm(R"({
      "cpu": {"count": 2},
      "memory": {"startup": "2Gi", "dynamic": {"maximum": "6Gi"}},
      "image": "ubuntu",
      "disks": [{"name": "os", "source": "image"}, {"name": "d", "source": "blank", "size": "10Gi"}]
    })")
                                          .spec);
  EXPECT_EQ(requested, (ResourceAmounts{2, 6 * kGi, 10 * kGi}));
  EXPECT_EQ(quota_usage(requested), (QuotaUsage{2, 6 * kGi, 10 * kGi, 1}));
}

TEST(VmRequested, StaticMemoryIsTheStartupAmount) {
  const auto requested =
      vm_requested(vm(R"({"cpu": {"count": 1}, "memory": {"startup": "3Gi"}})").spec);
  EXPECT_EQ(requested.memory, 3 * kGi);
}

TEST(RequiredCapabilities, FollowTheSpecInTheAgentsSpelling) {
  const auto capabilities =
      required_capabilities(vm(R"({"cpu": {"count": 1, "exposeVirtualizationExtensions": true},
             "memory": {"startup": "1Gi", "dynamic": {}},
             "firmware": {"secureBoot": true, "tpm": true}})")
                                .spec);
  EXPECT_EQ(capabilities,
            (std::set<std::string>{"dynamicMemory", "nestedVirtualization", "secureBoot", "tpm"}));
}

TEST(PlacementRequest, CarriesPinStrategyGroupSwitchesAndBothSelectors) {
  auto tenant = api::Tenant::from_json(nlohmann::json::parse(
      R"({"apiVersion": "hyperv.operator.io/v1alpha1", "kind": "Tenant",
          "metadata": {"name": "team-a"},
          "spec": {"namespaces": ["team-a"],
                   "hostSelector": {"matchLabels": {"pool": "a"}}}})"));
  ASSERT_TRUE(tenant.ok()) << tenant.error().message();
  auto request =
      placement_request(vm(R"({"cpu": {"count": 1}, "memory": {"startup": "1Gi"}, "image": "ubuntu",
             "networks": [{"name": "n", "switch": "external"}],
             "placement": {"host": "hv-02", "strategy": "BinPack", "antiAffinityGroup": "web",
                           "hostSelector": {"matchLabels": {"zone": "z1"}}}})"),
                        &tenant.value());

  ASSERT_TRUE(request.ok()) << request.error().message();
  EXPECT_EQ(request->pinned_host, "hv-02");
  EXPECT_EQ(request->strategy, PlacementStrategy::kBinPack);
  EXPECT_EQ(request->anti_affinity_group, "web");
  EXPECT_EQ(request->image, "ubuntu");
  EXPECT_EQ(request->switches, (std::set<std::string>{"external"}));
  EXPECT_TRUE(request->host_selector.matches({{"zone", "z1"}}));
  EXPECT_FALSE(request->host_selector.matches({{"zone", "z2"}}));
  EXPECT_TRUE(request->tenant_host_selector.matches({{"pool", "a"}}));
  EXPECT_FALSE(request->tenant_host_selector.matches({{"pool", "b"}}));
}

TEST(HostSnapshot, ReadsReadinessAndInventoryFromStatus) {
  auto host = api::HyperVHost::from_json(nlohmann::json::parse(R"({
    "apiVersion": "hyperv.operator.io/v1alpha1", "kind": "HyperVHost",
    "metadata": {"name": "hv-01", "labels": {"zone": "z1"}},
    "spec": {"address": "https://hv-01:9443", "unschedulable": true,
             "credentialsSecretRef": {"name": "s", "namespace": "ns"}},
    "status": {"allocatable": {"cpu": 64, "memory": "128Gi", "storage": "1Ti"},
               "capabilities": ["secureBoot"], "images": [{"name": "ubuntu"}],
               "switches": [{"name": "external"}],
               "conditions": [{"type": "Ready", "status": "True", "reason": "HostReady",
                               "message": "", "lastTransitionTime": "2026-11-22T00:00:00Z"}]}
  })"));
  ASSERT_TRUE(host.ok()) << host.error().message();

  const HostSnapshot snapshot = host_snapshot(*host, {4, 8 * kGi, 0}, {"web"});

  EXPECT_TRUE(snapshot.ready);
  EXPECT_TRUE(snapshot.unschedulable);
  EXPECT_EQ(snapshot.labels.at("zone"), "z1");
  EXPECT_EQ(snapshot.allocatable, (ResourceAmounts{64, 128 * kGi, 1024 * kGi}));
  EXPECT_EQ(snapshot.allocated.cpu, 4);
  EXPECT_TRUE(snapshot.images.count("ubuntu"));
  EXPECT_TRUE(snapshot.switches.count("external"));
  EXPECT_TRUE(snapshot.capabilities.count("secureBoot"));
  EXPECT_TRUE(snapshot.anti_affinity_groups.count("web"));
}

TEST(VmCharge, OnlyAReservedVmIsCharged) {
  const std::string spec = R"({"cpu": {"count": 2}, "memory": {"startup": "4Gi"}})";
  const auto unreserved = vm(spec, R"({"allocated": {"cpu": 2, "memory": "4Gi", "storage": "0"}})");
  EXPECT_FALSE(vm_charge(unreserved, "team-a"));

  const auto reserved = vm(spec, R"({"host": "hv-01",
      "allocated": {"cpu": 2, "memory": "4Gi", "storage": "0"},
      "conditions": [{"type": "QuotaReserved", "status": "True", "reason": "Reserved",
                      "message": "", "lastTransitionTime": "2026-11-22T00:00:00Z"}]})");
  const auto charge = vm_charge(reserved, "team-a");
  ASSERT_TRUE(charge);
  EXPECT_EQ(charge->vm, "team-a/web-1");
  EXPECT_EQ(charge->host, "hv-01");
  EXPECT_EQ(charge->usage, (QuotaUsage{2, 4 * kGi, 0, 1}));
  EXPECT_FALSE(charge->provisioned);
}

TEST(ResourceAmountsRoundTrip, BytesSurviveTheApiForm) {
  const ResourceAmounts amounts{3, 1536LL << 20, 40 * kGi};
  EXPECT_EQ(to_amounts(to_api(amounts)), amounts);
}

}  // namespace
}  // namespace hvo::controllers
