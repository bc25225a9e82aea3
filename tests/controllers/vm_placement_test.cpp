// Placement through the VirtualMachine reconciler: consecutive placements see the VMs placed
// before them (in the cache, or written but not yet cached), hosts that have not reported yet
// hold placements up instead of being skipped, and quotas scoped to hosts by a hostSelector are
// checked per candidate host.
#include <map>

#include "controllers/virtualmachine_reconciler.h"
#include "tests/controllers/reconciler_fixture.h"
#include "tests/runtime/fake_clock.h"

namespace hvo::controllers {
namespace {

using testing::ReconcilerFixture;

class VmPlacementTest : public ReconcilerFixture {
 protected:
  VmPlacementTest() { add_tenant("team-a", {{"namespaces", {"team-a"}}}); }

  kube::ReconcileResult reconcile(const std::string& name) {
    auto result = reconciler.reconcile(kube::Request{"team-a", name});
    EXPECT_TRUE(result.ok()) << result.error().message();
    return result.ok() ? *result : kube::ReconcileResult::done();
  }
  std::string host_of(const std::string& name) {
    return vm(name)["status"].value("host", std::string());
  }
  // Creates and reconciles `count` VMs one after another; returns how many landed on each host.
  std::map<std::string, int> place_one_after_another(int count, const std::string& strategy) {
    std::map<std::string, int> per_host;
    for (int i = 0; i < count; ++i) {
      const std::string name = "vm-" + std::to_string(i);
      add_vm(name, [&](nlohmann::json& spec) { spec["placement"] = {{"strategy", strategy}}; });
      reconcile(name);
      per_host[host_of(name)]++;
    }
    return per_host;
  }

  kube::testing::FakeClock clock;
  VirtualMachineReconciler reconciler{
      {vms, hosts, tenants, quotas}, cluster, secrets, vm_agents(), events, ledger,
      VmReconcilerOptions(),         clock};
};

TEST_F(VmPlacementTest, SpreadPlacesConsecutiveVmsEvenlyOnEqualHosts) {
  add_host("hv-01");
  add_host("hv-02");
  add_host("hv-03");

  const auto per_host = place_one_after_another(6, "Spread");

  EXPECT_EQ(per_host, (std::map<std::string, int>{{"hv-01", 2}, {"hv-02", 2}, {"hv-03", 2}}));
}

TEST_F(VmPlacementTest, SpreadSeesPlacementsTheCacheDoesNotShowYet) {
  add_host("hv-01");
  add_host("hv-02");
  add_host("hv-03");
  for (int i = 0; i < 6; ++i)
    add_vm("vm-" + std::to_string(i));
  cluster.lag_caches = true;  // every placement is written, none is seen by the VM cache

  std::map<std::string, int> per_host;
  for (int i = 0; i < 6; ++i) {
    const std::string name = "vm-" + std::to_string(i);
    reconcile(name);
    per_host[host_of(name)]++;
  }

  EXPECT_EQ(per_host, (std::map<std::string, int>{{"hv-01", 2}, {"hv-02", 2}, {"hv-03", 2}}));
}

TEST_F(VmPlacementTest, BinPackFillsOneHostFirst) {
  add_host("hv-01");
  add_host("hv-02");
  add_host("hv-03");

  const auto per_host = place_one_after_another(6, "BinPack");

  EXPECT_EQ(per_host, (std::map<std::string, int>{{"hv-01", 6}}));
}

TEST_F(VmPlacementTest, ReleasedVmsDoNotCountOnTheirFormerHost) {
  add_host("hv-01");
  add_host("hv-02");
  add_vm("failed", [](nlohmann::json& spec) { spec["cpu"]["count"] = 60; });
  connector.agents["hv-01"]->next_error = agent::AgentErrorCode::kImageNotFound;
  reconcile("failed");  // placed on hv-01, refused for good, reservation given back
  ASSERT_EQ(vm("failed")["status"]["phase"], "Failed");

  add_vm("next", [](nlohmann::json& spec) { spec["cpu"]["count"] = 60; });
  reconcile("next");

  EXPECT_EQ(host_of("next"), "hv-01");  // 60 of 64 vCPUs would not fit twice
}

TEST_F(VmPlacementTest, HostThatHasNotReportedYetHoldsPlacementUp) {
  add_host("hv-01");
  add_host("hv-02");
  // hv-02 was registered seconds ago and the host monitor has not polled it yet.
  auto host = cluster.object(kHyperVHosts, "", "hv-02");
  host["metadata"]["creationTimestamp"] =
      k8s::Time(clock.wall_now() - std::chrono::seconds(5)).to_string();
  host.erase("status");
  cluster.put(kHyperVHosts, host);
  add_vm("web-1", [](nlohmann::json& spec) { spec["placement"] = {{"strategy", "Spread"}}; });

  const auto waiting = reconcile("web-1");

  EXPECT_EQ(host_of("web-1"), "");
  EXPECT_EQ(condition_field(vm("web-1"), "Scheduled", "message"),
            "waiting for hv-02 to report its capacity before placing");
  EXPECT_EQ(waiting.requeue_after, VmReconcilerOptions().in_progress);

  // Once it reported (equal to hv-01), placement goes on; a pin elsewhere never waited.
  host = cluster.object(kHyperVHosts, "", "hv-02");
  host["status"] = cluster.object(kHyperVHosts, "", "hv-01")["status"];
  cluster.put(kHyperVHosts, host);
  reconcile("web-1");
  EXPECT_EQ(host_of("web-1"), "hv-01");
}

TEST_F(VmPlacementTest, HostSilentLongAfterRegistrationCountsAsNotReady) {
  add_host("hv-01");
  add_host("hv-02");
  auto host = cluster.object(kHyperVHosts, "", "hv-02");
  host["metadata"]["creationTimestamp"] =
      k8s::Time(clock.wall_now() - std::chrono::minutes(10)).to_string();
  host.erase("status");
  cluster.put(kHyperVHosts, host);
  add_vm("web-1");

  reconcile("web-1");

  EXPECT_EQ(host_of("web-1"), "hv-01");
}

TEST_F(VmPlacementTest, HostScopedQuotaFiltersHostsItCovers) {
  add_host("hv-01", {{"storage", "ssd"}});
  add_host("hv-02", {{"storage", "hdd"}});
  add_quota("team-a", "team-a", {{"vcpus", 32}});
  cluster.put(kQuotas, {{"apiVersion", "hyperv.operator.io/v1alpha1"},
                        {"kind", "Quota"},
                        {"metadata", {{"name", "team-a-ssd"}}},
                        {"spec",
                         {{"tenant", "team-a"},
                          {"hard", {{"vcpus", 4}}},
                          {"hostSelector", {{"matchLabels", {{"storage", "ssd"}}}}}}}});
  const auto on_ssd = [](nlohmann::json& spec) {
    spec["placement"] = {{"hostSelector", {{"matchLabels", {{"storage", "ssd"}}}}}};
  };
  add_vm("a", on_ssd);
  add_vm("b", on_ssd);
  add_vm("c", on_ssd);
  cluster.lag_caches = true;  // the scoped quota must count placements not yet cached

  reconcile("a");
  reconcile("b");
  reconcile("c");

  EXPECT_EQ(host_of("a"), "hv-01");
  EXPECT_EQ(host_of("b"), "hv-01");
  EXPECT_EQ(host_of("c"), "");
  EXPECT_EQ(condition_field(vm("c"), "Scheduled", "message"),
            "0/2 hosts fit: 1 would exceed quota team-a-ssd: vcpus used 4 + requested 2 exceeds "
            "hard 4, 1 does not match spec.placement.hostSelector");
}

TEST_F(VmPlacementTest, HostScopedQuotaLeavesOtherHostsOpen) {
  add_host("hv-01", {{"storage", "ssd"}});
  add_host("hv-02", {{"storage", "hdd"}});
  cluster.put(kQuotas, {{"apiVersion", "hyperv.operator.io/v1alpha1"},
                        {"kind", "Quota"},
                        {"metadata", {{"name", "team-a-ssd"}}},
                        {"spec",
                         {{"tenant", "team-a"},
                          {"hard", {{"vcpus", 2}}},
                          {"hostSelector", {{"matchLabels", {{"storage", "ssd"}}}}}}}});
  add_vm("a", [](nlohmann::json& spec) { spec["placement"] = {{"strategy", "BinPack"}}; });
  add_vm("b", [](nlohmann::json& spec) { spec["placement"] = {{"strategy", "BinPack"}}; });

  reconcile("a");
  reconcile("b");

  EXPECT_EQ(host_of("a"), "hv-01");
  EXPECT_EQ(host_of("b"), "hv-02");  // BinPack would take hv-01, its scoped quota is full
}

}  // namespace
}  // namespace hvo::controllers
