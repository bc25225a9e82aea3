// Zones in placement (HyperVHost spec.zone): Spread balances a namespace's VMs over zones before
// hosts, and an anti-affinity group with antiAffinityTopology Zone keeps its VMs in different
// zones. Pure decisions over snapshots, plus the ledger's per-host count they are fed from.
#include <gtest/gtest.h>

#include <memory>

#include "api/v1alpha1/validation.h"
#include "api/v1alpha1/virtual_machine_types.h"
#include "controllers/api_conversions.h"
#include "controllers/reservation_ledger.h"
#include "controllers/scheduler.h"

namespace hvo::controllers {
namespace {

constexpr std::int64_t kGi = 1024LL * 1024 * 1024;

HostSnapshot host(const std::string& name, const std::string& zone, std::int64_t cpu = 16) {
  HostSnapshot h;
  h.name = name;
  h.zone = zone;
  h.ready = true;
  h.allocatable = {cpu, 64 * kGi, 1000 * kGi};
  return h;
}

PlacementRequest spread() {
  PlacementRequest r;
  r.requested = {2, 4 * kGi, 20 * kGi};
  r.strategy = PlacementStrategy::kSpread;
  return r;
}

PlacementRequest zone_group(const std::string& group) {
  PlacementRequest r = spread();
  r.anti_affinity_group = group;
  r.anti_affinity_topology = AntiAffinityTopology::kZone;
  return r;
}

// Places `count` VMs one after the other, each counted where it went, as the ledger would.
std::vector<std::string> place_in_turn(const PlacementRequest& r, std::vector<HostSnapshot>& hosts,
                                       int count) {
  std::vector<std::string> placed;
  for (int i = 0; i < count; ++i) {
    const PlacementDecision decision = schedule(r, hosts);
    if (!decision.host) {
      placed.push_back("unschedulable: " + decision.message);
      continue;
    }
    placed.push_back(*decision.host);
    for (auto& h : hosts) {
      if (h.name != *decision.host)
        continue;
      h.allocated += r.requested;
      h.namespace_vms++;
      if (!r.anti_affinity_group.empty())
        h.anti_affinity_groups.insert(r.anti_affinity_group);
    }
  }
  return placed;
}

TEST(SchedulerZones, SpreadOverTwoZonesOfTwoHostsAlternatesZones) {
  std::vector<HostSnapshot> hosts = {host("hv-a1", "a"), host("hv-a2", "a"), host("hv-b1", "b"),
                                     host("hv-b2", "b")};
  EXPECT_EQ(place_in_turn(spread(), hosts, 4),
            (std::vector<std::string>{"hv-a1", "hv-b1", "hv-a2", "hv-b2"}));
}

TEST(SchedulerZones, SpreadPrefersTheZoneWithFewerOfTheNamespacesVmsOverAnEmptierHost) {
  // hv-a1 is empty but its zone already has one of the namespace's VMs (on hv-a2); hv-b1 is
  // busy with other namespaces' VMs and has none of this one's.
  auto a1 = host("hv-a1", "a"), a2 = host("hv-a2", "a"), b1 = host("hv-b1", "b");
  a2.namespace_vms = 1;
  a2.allocated = {2, 4 * kGi, 0};
  b1.allocated = {8, 32 * kGi, 0};
  const PlacementDecision decision = schedule(spread(), {a1, a2, b1});
  ASSERT_TRUE(decision.host);
  EXPECT_EQ(*decision.host, "hv-b1");
  EXPECT_EQ(decision.message, "placed on hv-b1 in zone b (Spread)");
}

TEST(SchedulerZones, EqualNamespaceCountsGoToTheLessUtilisedZone) {
  auto a1 = host("hv-a1", "a"), b1 = host("hv-b1", "b"), b2 = host("hv-b2", "b");
  a1.allocated = {8, 32 * kGi, 0};  // zone a: half used
  b1.allocated = {4, 16 * kGi, 0};  // zone b: an eighth used, though hv-b1 alone is fuller...
  b2.allocated = {0, 0, 0};
  // ...than hv-b2, which the host score then picks inside zone b.
  EXPECT_EQ(*schedule(spread(), {a1, b1, b2}).host, "hv-b2");
}

TEST(SchedulerZones, HostsWithoutAZoneRankAfterZonedHosts) {
  auto zoned = host("hv-a1", "a"), bare = host("hv-x", "");
  zoned.allocated = {8, 32 * kGi, 0};
  zoned.namespace_vms = 3;
  EXPECT_EQ(*schedule(spread(), {zoned, bare}).host, "hv-a1");
  // Full, the zoned host drops out and the one without a zone takes the VM.
  zoned.allocated = {16, 64 * kGi, 0};
  EXPECT_EQ(*schedule(spread(), {zoned, bare}).host, "hv-x");
}

TEST(SchedulerZones, WithoutZonesSpreadIsTheHostScoreAsBefore) {
  auto x = host("hv-x", ""), y = host("hv-y", "");
  x.allocated = {8, 32 * kGi, 0};
  x.namespace_vms = 0;
  y.namespace_vms = 5;  // counts only between zones: the emptier host still wins
  EXPECT_EQ(*schedule(spread(), {x, y}).host, "hv-y");
}

TEST(SchedulerZones, BinPackIgnoresZoneCounts) {
  auto a1 = host("hv-a1", "a"), b1 = host("hv-b1", "b");
  a1.allocated = {8, 32 * kGi, 0};
  a1.namespace_vms = 4;
  PlacementRequest r = spread();
  r.strategy = PlacementStrategy::kBinPack;
  EXPECT_EQ(*schedule(r, {a1, b1}).host, "hv-a1");
}

TEST(SchedulerZones, ZoneAntiAffinityRulesOutEveryHostOfAZoneThatRunsTheGroup) {
  auto a1 = host("hv-a1", "a"), a2 = host("hv-a2", "a"), b1 = host("hv-b1", "b");
  a1.anti_affinity_groups = {"db"};
  b1.allocated = {12, 48 * kGi, 0};  // fuller than hv-a2, still the only zone left
  const PlacementDecision decision = schedule(zone_group("db"), {a1, a2, b1});
  ASSERT_TRUE(decision.host);
  EXPECT_EQ(*decision.host, "hv-b1");
  ASSERT_TRUE(decision.verdicts[1].unfit);
  EXPECT_EQ(decision.verdicts[1].unfit->singular,
            "is in a zone that already runs a VM of anti-affinity group db "
            "(antiAffinityTopology Zone)");
}

TEST(SchedulerZones, AThirdMemberOnTwoZonesIsUnschedulableNamingTheZoneRule) {
  std::vector<HostSnapshot> hosts = {host("hv-a1", "a"), host("hv-a2", "a"), host("hv-b1", "b"),
                                     host("hv-b2", "b")};
  const auto placed = place_in_turn(zone_group("db"), hosts, 3);
  ASSERT_EQ(placed.size(), 3u);
  EXPECT_EQ(placed[0], "hv-a1");
  EXPECT_EQ(placed[1], "hv-b1");
  EXPECT_EQ(placed[2],
            "unschedulable: 0/4 hosts fit: 4 are in zones that already run a VM of anti-affinity "
            "group db (antiAffinityTopology Zone)");
}

TEST(SchedulerZones, HostTopologyLetsAGroupShareAZoneButNotAHost) {
  auto a1 = host("hv-a1", "a"), a2 = host("hv-a2", "a");
  a1.anti_affinity_groups = {"db"};
  PlacementRequest r = zone_group("db");
  r.anti_affinity_topology = AntiAffinityTopology::kHost;
  const PlacementDecision decision = schedule(r, {a1, a2});
  ASSERT_TRUE(decision.host);
  EXPECT_EQ(*decision.host, "hv-a2");
  EXPECT_EQ(decision.verdicts[0].unfit->singular, "already runs a VM of anti-affinity group db");
}

TEST(SchedulerZones, AHostWithoutAZoneIsAZoneOfItsOwnForAntiAffinity) {
  auto x = host("hv-x", ""), y = host("hv-y", ""), a1 = host("hv-a1", "a");
  x.anti_affinity_groups = {"db"};
  a1.anti_affinity_groups = {"db"};
  const PlacementDecision decision = schedule(zone_group("db"), {x, y, a1});
  ASSERT_TRUE(decision.host);
  EXPECT_EQ(*decision.host, "hv-y");
  EXPECT_EQ(decision.verdicts[0].unfit->singular, "already runs a VM of anti-affinity group db");
}

TEST(SchedulerZones, OtherGroupsInAZoneDoNotCount) {
  auto a1 = host("hv-a1", "a"), a2 = host("hv-a2", "a");
  a1.anti_affinity_groups = {"web"};
  EXPECT_TRUE(schedule(zone_group("db"), {a1, a2}).host);
}

kube::ObjectPtr placed_vm(const std::string& ns, const std::string& name, const std::string& host) {
  k8s::Json object = {
      {"metadata", {{"name", name}, {"namespace", ns}, {"resourceVersion", "1"}}},
      {"spec", k8s::Json::object()},
      {"status",
       {{"host", host},
        {"allocated", {{"cpu", 1}, {"memory", "1Gi"}, {"storage", "0"}}},
        {"conditions", k8s::Json::array({{{"type", "QuotaReserved"}, {"status", "True"}}})}}}};
  return std::make_shared<const k8s::Json>(std::move(object));
}

TEST(SchedulerZones, LedgerCountsANamespacesVmsPerHost) {
  ReservationLedger ledger;
  kube::Store store;
  store.add_observer(ledger.observer());
  store.upsert("team-a/a", placed_vm("team-a", "a", "hv-1"));
  store.upsert("team-a/b", placed_vm("team-a", "b", "hv-1"));
  store.upsert("team-a/c", placed_vm("team-a", "c", "hv-2"));
  store.upsert("team-a/d", placed_vm("team-a", "d", ""));  // not placed yet
  store.upsert("team-b/e", placed_vm("team-b", "e", "hv-2"));
  EXPECT_EQ(ledger.vms_by_host("team-a"),
            (std::map<std::string, std::int64_t>{{"hv-1", 2}, {"hv-2", 1}}));
  EXPECT_EQ(ledger.vms_by_host("team-b"), (std::map<std::string, std::int64_t>{{"hv-2", 1}}));
  store.remove("team-a/c");
  EXPECT_EQ(ledger.vms_by_host("team-a"), (std::map<std::string, std::int64_t>{{"hv-1", 2}}));
  EXPECT_TRUE(ledger.vms_by_host("team-c").empty());
}

api::VirtualMachine vm_with_placement(const k8s::Json& placement) {
  k8s::Json object = {
      {"apiVersion", "hyperv.operator.io/v1alpha1"},
      {"kind", "VirtualMachine"},
      {"metadata", {{"name", "db-1"}, {"namespace", "team-a"}}},
      {"spec",
       {{"cpu", {{"count", 1}}}, {"memory", {{"startup", "1Gi"}}}, {"placement", placement}}}};
  auto vm = api::VirtualMachine::from_json(object);
  EXPECT_TRUE(vm.ok()) << vm.error().message();
  return std::move(vm).value();
}

TEST(SchedulerZones, AntiAffinityTopologyIsDecodedEncodedAndReachesThePlacementRequest) {
  const auto vm =
      vm_with_placement({{"antiAffinityGroup", "db"}, {"antiAffinityTopology", "Zone"}});
  EXPECT_EQ(vm.spec.placement.anti_affinity_topology, api::AntiAffinityTopology::kZone);
  EXPECT_EQ(vm.to_json()["spec"]["placement"]["antiAffinityTopology"], "Zone");
  auto request = placement_request(vm, nullptr);
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->anti_affinity_topology, AntiAffinityTopology::kZone);
  EXPECT_TRUE(api::validate(vm).empty());

  const auto by_default = vm_with_placement({{"antiAffinityGroup", "db"}});
  EXPECT_EQ(by_default.spec.placement.anti_affinity_topology, api::AntiAffinityTopology::kHost);
  EXPECT_EQ(placement_request(by_default, nullptr)->anti_affinity_topology,
            AntiAffinityTopology::kHost);
}

TEST(SchedulerZones, ValidationRefusesZoneTopologyWithoutAGroupAndAnUnknownTopology) {
  const auto errors = api::validate(vm_with_placement({{"antiAffinityTopology", "Zone"}}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "spec.placement.antiAffinityTopology");
  k8s::Json object = {{"metadata", {{"name", "x"}, {"namespace", "y"}}},
                      {"spec",
                       {{"cpu", {{"count", 1}}},
                        {"memory", {{"startup", "1Gi"}}},
                        {"placement", {{"antiAffinityTopology", "Rack"}}}}}};
  const auto decoded = api::VirtualMachine::from_json(object);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().message().find("spec.placement.antiAffinityTopology"),
            std::string::npos)
      << decoded.error().message();
}

TEST(SchedulerZones, HostSnapshotCarriesTheHostsZone) {
  api::HyperVHost host;
  host.metadata.name = "hv-01";
  host.spec.zone = "rack-a";
  EXPECT_EQ(host_snapshot(host, {}, {}).zone, "rack-a");
}

}  // namespace
}  // namespace hvo::controllers
