// Drift seen from a host's inventory: the host monitor wakes the VMs whose VM vanished from the
// host or changed power state behind the operator's back (e2e finding F2: a VM deleted by hand
// waited for the 30 s VM resync although its host was polled every second).
#include <gtest/gtest.h>

#include "controllers/hypervhost_reconciler.h"
#include "controllers/inventory_drift.h"
#include "controllers/virtualmachine_reconciler.h"
#include "tests/controllers/reconciler_fixture.h"

namespace hvo::controllers {
namespace {

using testing::ReconcilerFixture;

VmObservation placed_vm(const std::string& name, const std::string& host,
                        const std::string& power_state) {
  VmObservation vm;
  vm.key = "team-a/" + name;
  vm.uid = "uid-" + name;
  vm.host = host;
  vm.vm_id = "vmid-" + name;
  vm.power_state = power_state;
  return vm;
}

agent::VmStatus agent_vm(const std::string& name, agent::VmState state) {
  agent::VmStatus vm;
  vm.uid = "uid-" + name;
  vm.state = state;
  return vm;
}

TEST(InventoryDrift, MissingOrRepoweredVmsOfTheHostDrift) {
  agent::Inventory inventory;
  inventory.vms = {agent_vm("same", agent::VmState::kRunning),
                   agent_vm("stopped", agent::VmState::kOff)};
  auto creating = placed_vm("creating", "hv-01", "");
  creating.vm_id.clear();  // not created yet: not drift
  auto elsewhere = placed_vm("elsewhere", "hv-02", "Running");
  auto deleting = placed_vm("deleting", "hv-01", "Running");
  deleting.deleting = true;  // its finalizer removes it from the host: not drift

  const auto drifted =
      drifted_vms("hv-01",
                  {placed_vm("same", "hv-01", "Running"), placed_vm("gone", "hv-01", "Running"),
                   placed_vm("stopped", "hv-01", "Running"), creating, elsewhere, deleting},
                  inventory);

  EXPECT_EQ(drifted, (std::vector<std::string>{"team-a/gone", "team-a/stopped"}));
}

TEST(InventoryDrift, GuestAddressesOtherThanTheStatusOnesDrift) {
  agent::Inventory inventory;
  inventory.vms = {agent_vm("booted", agent::VmState::kRunning),
                   agent_vm("known", agent::VmState::kRunning)};
  inventory.vms[0].ip_addresses = {"10.0.0.5"};
  inventory.vms[1].ip_addresses = {"10.0.0.6"};
  auto known = placed_vm("known", "hv-01", "Running");
  known.ip_addresses = {"10.0.0.6"};

  const auto drifted =
      drifted_vms("hv-01", {placed_vm("booted", "hv-01", "Running"), known}, inventory);

  EXPECT_EQ(drifted, std::vector<std::string>{"team-a/booted"});
}

TEST(InventoryDrift, TheHostsOwnStateWordIsComparedWhenItGaveOne) {
  agent::Inventory inventory;
  inventory.vms = {agent_vm("merging", agent::VmState::kOther)};
  inventory.vms[0].raw_state = "Merging";

  EXPECT_TRUE(drifted_vms("hv-01", {placed_vm("merging", "hv-01", "Merging")}, inventory).empty());
  EXPECT_EQ(drifted_vms("hv-01", {placed_vm("merging", "hv-01", "Running")}, inventory),
            std::vector<std::string>{"team-a/merging"});
}

class HostDriftTest : public ReconcilerFixture {
 protected:
  HostDriftTest() {
    add_tenant("team-a", {{"namespaces", {"team-a"}}});
    // As the operator wires it: the VM reconciler is told, and the VM is enqueued.
    host_reconciler.on_vm_drift([this](const std::string& key) {
      vm_reconciler.note_drift(key);
      woken.push_back(key);
    });
  }
  void poll() { ASSERT_TRUE(host_reconciler.reconcile(kube::Request{"", "hv-01"}).ok()); }
  void settle_vm(const std::string& name) {
    for (int pass = 0; pass < 8; ++pass) {
      auto result = vm_reconciler.reconcile(kube::Request{"team-a", name});
      ASSERT_TRUE(result.ok());
      if (result->requeue_after != VmReconcilerOptions().in_progress)
        return;
    }
  }

  HyperVHostReconciler host_reconciler{hosts,   ledger, observations, cluster,
                                       secrets, agents, events,       HostReconcilerOptions()};
  VirtualMachineReconciler vm_reconciler{
      {vms, hosts, tenants, quotas}, cluster, secrets, vm_agents(), events, ledger};
  std::vector<std::string> woken;
};

TEST_F(HostDriftTest, VmDeletedByHandOnTheHostIsWokenByTheNextPoll) {
  auto agent = add_host("hv-01");
  add_vm("web-1");
  settle_vm("web-1");
  poll();
  ASSERT_TRUE(woken.empty());

  agent->vms.clear();
  poll();

  EXPECT_EQ(woken, std::vector<std::string>{"team-a/web-1"});
  settle_vm("web-1");
  EXPECT_EQ(agent->vms.size(), 1u);  // recreated
  woken.clear();
  poll();
  EXPECT_TRUE(woken.empty());
}

// Nothing on the host could have drifted before a VM is created there: the poll skips the
// inventory call (and its parse) until then.
TEST_F(HostDriftTest, InventoryIsReadOnlyOnceAVmIsCreatedOnTheHost) {
  auto agent = add_host("hv-01");
  poll();
  EXPECT_EQ(agent->calls, 1);  // host_info

  add_vm("web-1");
  settle_vm("web-1");
  const int before = agent->calls;
  poll();

  EXPECT_EQ(agent->calls - before, 2);  // host_info and inventory
}

// GET /v1/host carries the inventory's digest: while it matches the inventory kept from an
// earlier poll, a poll is one call, and drift is still judged against what was kept.
TEST_F(HostDriftTest, InventoryIsReadAgainOnlyWhenItsDigestChanged) {
  auto agent = add_host("hv-01");
  add_vm("web-1");
  settle_vm("web-1");
  poll();
  const int reads = agent->inventory_reads;
  poll();
  poll();
  EXPECT_EQ(agent->inventory_reads, reads);

  agent->vms.begin()->second.ip_addresses = {"10.0.0.9"};
  poll();
  EXPECT_EQ(agent->inventory_reads, reads + 1);
  EXPECT_EQ(woken, std::vector<std::string>{"team-a/web-1"});
}

TEST_F(HostDriftTest, KeptInventoryStillShowsDriftWhenTheCacheChanges) {
  auto agent = add_host("hv-01");
  add_vm("web-1");
  settle_vm("web-1");
  poll();
  ASSERT_TRUE(woken.empty());
  const int reads = agent->inventory_reads;

  // The status says Off now (as if written by someone else); the host still runs it.
  auto edited = vm("web-1");
  edited["status"]["powerState"] = "Off";
  ASSERT_TRUE(cluster.update_status(kVirtualMachines, edited).ok());
  poll();

  EXPECT_EQ(agent->inventory_reads, reads);
  EXPECT_EQ(woken, std::vector<std::string>{"team-a/web-1"});
}

TEST_F(HostDriftTest, AnAgentWithoutDigestsIsReadAtEveryPoll) {
  auto agent = add_host("hv-01");
  agent->reports_digest = false;
  add_vm("web-1");
  settle_vm("web-1");
  poll();
  const int reads = agent->inventory_reads;
  poll();
  poll();

  EXPECT_EQ(agent->inventory_reads, reads + 2);
}

TEST_F(HostDriftTest, VmStoppedOnTheHostIsWoken) {
  auto agent = add_host("hv-01");
  add_vm("web-1");
  settle_vm("web-1");

  agent->vms.begin()->second.state = agent::VmState::kOff;
  poll();

  EXPECT_EQ(woken, std::vector<std::string>{"team-a/web-1"});
}

}  // namespace
}  // namespace hvo::controllers
