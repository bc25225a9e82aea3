// The controllers' indexed cache reads: each lookup returns exactly the objects its index
// selects, the indices follow adds, updates and deletes, and a reconcile reads (and so decodes)
// only its own objects, however many unrelated ones the caches hold.
#include "controllers/indexed_caches.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "controllers/hypervhost_reconciler.h"
#include "controllers/quota_reconciler.h"
#include "controllers/reservation_ledger.h"
#include "controllers/virtualmachine_reconciler.h"
#include "tests/controllers/reconciler_fixture.h"

namespace hvo::controllers {
namespace {

using nlohmann::json;
using testing::ReconcilerFixture;

std::vector<std::string> keys_of(const std::vector<api::VirtualMachine>& vms) {
  std::vector<std::string> keys;
  for (const auto& vm : vms)
    keys.push_back(vm.metadata.key());
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::vector<std::string> sorted(std::vector<std::string> keys) {
  std::sort(keys.begin(), keys.end());
  return keys;
}

class IndexedCachesTest : public ReconcilerFixture {
 protected:
  // A VM of 2 vCPUs and 4Gi in `ns`, on `host` when given, with a reservation when `reserved`.
  void put_vm(const std::string& ns, const std::string& name, const std::string& host = "",
              bool reserved = false) {
    json vm = {{"apiVersion", "hyperv.operator.io/v1alpha1"},
               {"kind", "VirtualMachine"},
               {"metadata", {{"name", name}, {"namespace", ns}}},
               {"spec", json::parse(R"({"runStrategy": "Always", "cpu": {"count": 2},
                  "memory": {"startup": "4Gi"}, "image": "ubuntu-24.04",
                  "placement": {"antiAffinityGroup": "web"}})")},
               {"status", json::object()}};
    if (!host.empty())
      vm["status"]["host"] = host;
    if (reserved) {
      vm["status"]["allocated"] = {{"cpu", 2}, {"memory", "4Gi"}, {"storage", "0"}};
      vm["status"]["conditions"] = {{{"type", "QuotaReserved"},
                                     {"status", "True"},
                                     {"reason", "Reserved"},
                                     {"message", ""},
                                     {"lastTransitionTime", "2026-11-22T00:00:00Z"}}};
    }
    cluster.put(kVirtualMachines, vm);
  }
  void move_vm(const std::string& ns, const std::string& name, const std::string& host) {
    json vm = cluster.object(kVirtualMachines, ns, name);
    vm["status"]["host"] = host;
    ASSERT_TRUE(cluster.update_status(kVirtualMachines, vm).ok());
  }

  IndexedCaches caches{{vms, hosts, tenants, quotas}};
};

TEST_F(IndexedCachesTest, VmsByHostFollowPlacementMovesAndDeletes) {
  put_vm("team-a", "web-1", "hv-01", true);
  put_vm("team-a", "web-2", "hv-01");
  put_vm("team-b", "db-1", "hv-02");
  put_vm("team-b", "pending");

  EXPECT_EQ(caches.vm_keys_on_host("hv-01"),
            (std::vector<std::string>{"team-a/web-1", "team-a/web-2"}));
  EXPECT_EQ(keys_of(caches.vms_on_host("hv-02")), (std::vector<std::string>{"team-b/db-1"}));
  EXPECT_TRUE(caches.vm_keys_on_host("hv-03").empty());

  move_vm("team-a", "web-2", "hv-02");
  EXPECT_EQ(caches.vm_keys_on_host("hv-01"), (std::vector<std::string>{"team-a/web-1"}));
  EXPECT_EQ(caches.vm_keys_on_host("hv-02"),
            (std::vector<std::string>{"team-a/web-2", "team-b/db-1"}));

  ASSERT_TRUE(cluster.remove(kVirtualMachines, "team-b", "db-1").ok());
  EXPECT_EQ(caches.vm_keys_on_host("hv-02"), (std::vector<std::string>{"team-a/web-2"}));
}

// What a placed VM holds is read from its cached JSON (the reservation ledger's feed).
TEST_F(IndexedCachesTest, PlacedVmsCarryTheirReservationOnlyWhileReserved) {
  put_vm("team-a", "reserved", "hv-01", true);
  put_vm("team-a", "unreserved", "hv-01");

  const VmHolding reserved = vm_holding(*vms.get("team-a/reserved"));
  const VmHolding unreserved = vm_holding(*vms.get("team-a/unreserved"));

  EXPECT_EQ(reserved.host, "hv-01");
  EXPECT_EQ(reserved.amounts.cpu, 2);
  EXPECT_EQ(reserved.amounts.memory, 4LL << 30);
  ASSERT_TRUE(reserved.usage);
  EXPECT_EQ(reserved.usage->vms, 1);
  EXPECT_EQ(reserved.anti_affinity_group, "web");
  EXPECT_EQ(unreserved.host, "hv-01");
  EXPECT_EQ(unreserved.amounts.cpu, 0);
  EXPECT_EQ(unreserved.amounts.memory, 0);
  EXPECT_FALSE(unreserved.usage);
}

// A namespace listed by two tenants belongs to the first by name; VMs by tenant are the VMs of
// the namespaces the tenant owns, and follow a change of the tenant's spec.
TEST_F(IndexedCachesTest, VmsAndQuotasByTenantFollowTheTenantsNamespaces) {
  add_tenant("team-a", {{"namespaces", {"team-a", "shared"}}});
  add_tenant("team-b", {{"namespaces", {"team-b", "shared"}}});
  add_quota("qa", "team-a", {{"vms", 10}});
  add_quota("qa-scoped", "team-a", {{"vms", 5}});
  add_quota("qb", "team-b", {{"vms", 10}});
  put_vm("team-a", "a-1");
  put_vm("shared", "s-1");
  put_vm("team-b", "b-1");
  put_vm("elsewhere", "x-1");

  EXPECT_EQ(caches.tenant_name_of_namespace("shared"), "team-a");
  EXPECT_EQ(caches.tenant_name_of_namespace("elsewhere"), "");
  ASSERT_TRUE(caches.tenant_of_namespace("team-b"));
  EXPECT_EQ(caches.tenant_of_namespace("team-b")->metadata.name, "team-b");
  EXPECT_FALSE(caches.tenant_of_namespace("elsewhere"));
  EXPECT_EQ(sorted(caches.vm_keys_of_tenant("team-a")),
            (std::vector<std::string>{"shared/s-1", "team-a/a-1"}));
  EXPECT_EQ(caches.vm_keys_of_tenant("team-b"), (std::vector<std::string>{"team-b/b-1"}));
  EXPECT_EQ(caches.namespaces_of_tenant(*caches.tenant_of_namespace("team-a")),
            (std::vector<std::string>{"team-a", "shared"}));
  EXPECT_EQ(caches.quota_keys_of_tenant("team-a"), (std::vector<std::string>{"qa", "qa-scoped"}));
  EXPECT_EQ(caches.quotas_of_tenant("team-b").size(), 1u);
  EXPECT_TRUE(caches.quota_keys_of_tenant("team-c").empty());

  // team-a gives up "shared": it passes to team-b with its VMs.
  cluster.edit_spec(kTenants, "", "team-a",
                    [](json& spec) { spec["namespaces"] = json::array({"team-a"}); });
  EXPECT_EQ(caches.tenant_name_of_namespace("shared"), "team-b");
  EXPECT_EQ(caches.vm_keys_of_tenant("team-a"), (std::vector<std::string>{"team-a/a-1"}));
  EXPECT_EQ(sorted(caches.vm_keys_of_tenant("team-b")),
            (std::vector<std::string>{"shared/s-1", "team-b/b-1"}));

  ASSERT_TRUE(cluster.remove(kTenants, "", "team-b").ok());
  EXPECT_EQ(caches.tenant_name_of_namespace("shared"), "");
  EXPECT_TRUE(caches.vm_keys_of_tenant("team-b").empty());
}

TEST_F(IndexedCachesTest, ALedgerTallyOfTheTenantsNamespacesCountsOnlyItsReservedVms) {
  add_tenant("team-a", {{"namespaces", {"team-a"}}});
  add_tenant("team-b", {{"namespaces", {"team-b"}}});
  put_vm("team-a", "reserved", "hv-01", true);
  put_vm("team-a", "waiting");
  put_vm("team-b", "other", "hv-01", true);
  const auto every_host = [](const std::string&) { return true; };

  const ReservedTally team_a =
      ledger.tally(tenant_namespaces(tenants, *caches.tenant_of_namespace("team-a")), every_host);

  EXPECT_EQ(team_a.used.vms, 1);
  EXPECT_EQ(team_a.used.vcpus, 2);
  EXPECT_EQ(team_a.in_flight.vms, 1);  // not provisioned yet
  EXPECT_EQ(
      ledger.tally({"team-a"}, [](const std::string& host) { return host == "hv-02"; }).used.vms,
      0);
}

// The caches also hold 40 other tenants, each with a Quota and 5 VMs (200 VMs): a VM's whole
// way to Running, and a resync pass after it, read only its own tenant's objects.
class UnrelatedObjectsTest : public IndexedCachesTest {
 protected:
  UnrelatedObjectsTest() {
    add_tenant("team-a", {{"namespaces", {"team-a"}}});
    add_quota("team-a", "team-a", {{"vcpus", 8}, {"memory", "16Gi"}, {"vms", 10}});
    for (int t = 0; t < kOtherTenants; ++t) {
      const std::string name = "other-" + std::to_string(t);
      add_tenant(name, {{"namespaces", {name}}});
      add_quota(name, name, {{"vms", 10}});
      for (int v = 0; v < 5; ++v)
        put_vm(name, "vm-" + std::to_string(v));
    }
  }
  struct Reads {
    std::size_t vms, tenants, quotas;
  };
  Reads reads() const {
    return {vms.objects_read(), tenants.objects_read(), quotas.objects_read()};
  }

  static constexpr int kOtherTenants = 40;
  VirtualMachineReconciler reconciler{
      {vms, hosts, tenants, quotas}, cluster, secrets, vm_agents(), events, ledger};
};

TEST_F(UnrelatedObjectsTest, AVmPassReadsOnlyItsOwnTenantsObjects) {
  add_host("hv-01");
  add_vm("web-1");
  add_vm("web-2");
  const Reads before = reads();

  int passes = 0;
  for (; passes < 8; ++passes) {
    auto result = reconciler.reconcile(kube::Request{"team-a", "web-1"});
    ASSERT_TRUE(result.ok()) << result.error().message();
    if (result->requeue_after != VmReconcilerOptions().in_progress)
      break;
  }
  ASSERT_EQ(vm("web-1")["status"]["phase"], "Running");
  const Reads after = reads();

  // Per pass at most: the VM itself, its tenant's two VMs (admission), the VMs on its host
  // (placement) and its tenant; the
  // tenant's one quota when admitting or placing. Never one of the 200 other VMs, 40 other
  // tenants or 40 other quotas.
  const std::size_t pass_count = static_cast<std::size_t>(passes) + 1;
  EXPECT_LE(after.vms - before.vms, 4 * pass_count);
  EXPECT_LE(after.tenants - before.tenants, pass_count);
  EXPECT_LE(after.quotas - before.quotas, 2 * pass_count);

  // A resync of the settled VM: its own object and its tenant, nothing else.
  const Reads settled = reads();
  ASSERT_TRUE(reconciler.reconcile(kube::Request{"team-a", "web-1"}).ok());
  EXPECT_EQ(vms.objects_read() - settled.vms, 1u);
  EXPECT_EQ(tenants.objects_read() - settled.tenants, 1u);
  EXPECT_EQ(quotas.objects_read() - settled.quotas, 0u);
}

TEST_F(UnrelatedObjectsTest, AHostPollReadsNoVmFromTheCache) {
  add_host("hv-01");
  add_host("hv-02");
  put_vm("team-a", "here-1", "hv-01", true);
  put_vm("team-a", "here-2", "hv-01", true);
  for (int v = 0; v < 30; ++v)
    put_vm("team-a", "there-" + std::to_string(v), "hv-02", true);
  HyperVHostReconciler host_reconciler{hosts,   ledger, observations, cluster,
                                       secrets, agents, events,       HostReconcilerOptions()};
  host_reconciler.on_vm_drift([](const std::string&) {});
  const std::size_t before = vms.objects_read();

  ASSERT_TRUE(host_reconciler.reconcile(kube::Request{"", "hv-01"}).ok());

  // The allocated sum comes from the reservation ledger, the drift check from the VM
  // observations: both kept by observers of the VM cache, so the poll itself reads no VM.
  EXPECT_EQ(vms.objects_read() - before, 0u);
  EXPECT_EQ(cluster.object(kHyperVHosts, "", "hv-01")["status"]["allocated"]["cpu"], 4);
}

TEST_F(UnrelatedObjectsTest, AQuotaPassReadsNoVmAndOnlyItsTenant) {
  put_vm("team-a", "web-1", "hv-01", true);
  QuotaReconciler quota_reconciler({quotas, vms, tenants, hosts, ledger}, cluster);
  const Reads before = reads();

  ASSERT_TRUE(quota_reconciler.reconcile(kube::Request{"", "team-a"}).ok());

  EXPECT_EQ(vms.objects_read() - before.vms, 0u);  // the ledger's sums, not the VMs
  EXPECT_EQ(tenants.objects_read() - before.tenants, 1u);
  EXPECT_EQ(cluster.object(kQuotas, "", "team-a")["status"]["used"]["vms"], 1);
}

}  // namespace
}  // namespace hvo::controllers
