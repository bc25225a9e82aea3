// The VirtualMachine reconciler's failover against fake agents and an in-memory API server, on a
// clock the test moves: nothing moves off an unfenced lost host however long it is down; once
// fenced and past hostFailureTimeout an opted-in VM is placed on another host in one checkpoint
// (reservation moved, not doubled) and created there from its image; a VM that did not opt in
// stays; when the lost host answers, the stale copy is removed and never powered or ensured.
#include <gtest/gtest.h>

#include <chrono>

#include "controllers/conditions.h"
#include "controllers/failover_planner.h"
#include "controllers/virtualmachine_reconciler.h"
#include "tests/controllers/reconciler_fixture.h"
#include "tests/runtime/fake_clock.h"

namespace hvo::controllers {
namespace {

using std::chrono::seconds;
using testing::ReconcilerFixture;

class FailoverReconcilerTest : public ReconcilerFixture {
 protected:
  FailoverReconcilerTest() {
    add_tenant("team-a", {{"namespaces", {"team-a"}}});
    add_quota("team-a", "team-a", {{"vcpus", 16}, {"memory", "32Gi"}, {"vms", 10}});
  }

  Result<kube::ReconcileResult> pass(const std::string& name) {
    return reconciler.reconcile(kube::Request{"team-a", name});
  }
  void settle(const std::string& name) {
    for (int i = 0; i < 8; ++i) {
      auto result = pass(name);
      ASSERT_TRUE(result.ok()) << result.error().message();
      if (result->requeue_after != VmReconcilerOptions().in_progress)
        return;
    }
    ADD_FAILURE() << name << " did not settle";
  }
  void add_ha_vm(const std::string& name) {
    add_vm(name, [](nlohmann::json& spec) {
      spec["availability"] = {{"restartOnHostFailure", true}, {"hostFailureTimeout", "60s"}};
    });
  }
  // The host monitor's writes once the heartbeat timed out: NotReady from now on.
  void host_lost(const std::string& name) {
    auto host = cluster.object(kHyperVHosts, "", name);
    const std::string now = k8s::Time(clock.wall_now()).to_string();
    host["status"]["conditions"] = nlohmann::json::array({{{"type", "Ready"},
                                                           {"status", "False"},
                                                           {"reason", "HeartbeatTimeout"},
                                                           {"message", "no answer"},
                                                           {"lastTransitionTime", now}},
                                                          {{"type", "Reachable"},
                                                           {"status", "False"},
                                                           {"reason", "AgentUnreachable"},
                                                           {"message", "connection refused"},
                                                           {"lastTransitionTime", now}}});
    ASSERT_TRUE(cluster.update_status(kHyperVHosts, host).ok());
  }
  void host_answers(const std::string& name) {
    auto host = cluster.object(kHyperVHosts, "", name);
    host["status"]["conditions"] = nlohmann::json::array(
        {{{"type", "Ready"}, {"status", "True"}, {"reason", "HostReady"}, {"message", ""}},
         {{"type", "Reachable"},
          {"status", "True"},
          {"reason", "AgentResponding"},
          {"message", ""}}});
    ASSERT_TRUE(cluster.update_status(kHyperVHosts, host).ok());
  }
  void fence(const std::string& name) {
    cluster.edit_spec(kHyperVHosts, "", name, [](k8s::Json& spec) { spec["fenced"] = true; });
  }
  int events_named(const std::string& reason) {
    int count = 0;
    for (const auto& event : events.events)
      count += event.reason == reason ? 1 : 0;
    return count;
  }

  kube::testing::FakeClock clock;
  VirtualMachineReconciler reconciler{
      {vms, hosts, tenants, quotas}, cluster, secrets, vm_agents(), events, ledger,
      VmReconcilerOptions(),         clock};
};

TEST_F(FailoverReconcilerTest, UnfencedLostHostMovesNothingHoweverLongItIsDown) {
  auto lost = add_host("hv-01");
  add_ha_vm("web-1");
  settle("web-1");
  auto spare = add_host("hv-02");
  lost->unreachable = true;
  host_lost("hv-01");

  for (int hour = 0; hour < 3; ++hour) {
    clock.advance(std::chrono::hours(1));
    ASSERT_TRUE(pass("web-1").ok());
  }

  const auto object = vm("web-1");
  EXPECT_EQ(object["status"]["host"], "hv-01");
  EXPECT_EQ(condition_field(object, "HostLost", "status"), "True");
  EXPECT_EQ(condition_field(object, "HostLost", "reason"), "AwaitingFencing");
  EXPECT_EQ(condition_field(object, "Ready", "reason"), "HostUnreachable");
  EXPECT_TRUE(spare->ensured.empty());
  EXPECT_EQ(events_named("Failover"), 0);
  EXPECT_EQ(ledger.allocated("hv-02").cpu, 0);
}

TEST_F(FailoverReconcilerTest, FencedLostHostsOptedInVmIsRecreatedElsewhereAfterTheTimeout) {
  auto lost = add_host("hv-01");
  add_ha_vm("web-1");
  add_vm("plain");
  settle("web-1");
  settle("plain");
  const std::string uid = vm("web-1")["metadata"]["uid"];
  const std::string old_vm_id = vm("web-1")["status"]["vmId"];
  auto spare = add_host("hv-02");
  lost->unreachable = true;
  host_lost("hv-01");
  fence("hv-01");

  // Fenced, but the timeout runs: the next visit is due when it ends, not before.
  auto waiting = pass("web-1");
  ASSERT_TRUE(waiting.ok()) << waiting.error().message();
  EXPECT_EQ(condition_field(vm("web-1"), "HostLost", "reason"), "FailoverPending");
  EXPECT_LE(waiting->requeue_after, std::chrono::duration_cast<kube::Duration>(seconds(15)));
  EXPECT_TRUE(spare->ensured.empty());

  clock.advance(seconds(61));
  auto moved = pass("web-1");
  ASSERT_TRUE(moved.ok()) << moved.error().message();
  settle("web-1");
  ASSERT_TRUE(pass("plain").ok());

  const auto object = vm("web-1");
  EXPECT_EQ(object["status"]["host"], "hv-02");
  EXPECT_EQ(condition_field(object, "Ready", "status"), "True");
  // Created on hv-02 by an ensure (the fake agent derives vmIds from uids, so they match).
  EXPECT_EQ(spare->vms.count(uid), 1u);
  ASSERT_FALSE(spare->ensured.empty());
  EXPECT_EQ(spare->ensured.front().uid, uid);
  EXPECT_EQ(condition_field(object, "HostLost", "reason"), "FailedOver");
  ASSERT_EQ(object["status"]["staleCopies"].size(), 1u);
  EXPECT_EQ(object["status"]["staleCopies"][0]["host"], "hv-01");
  EXPECT_EQ(object["status"]["staleCopies"][0]["vmId"], old_vm_id);
  ASSERT_EQ(events_named("Failover"), 1);
  // The reservation moved with the VM: hv-01 holds only "plain", the quota counts web-1 once.
  EXPECT_EQ(ledger.allocated("hv-02").cpu, 2);
  EXPECT_EQ(ledger.allocated("hv-01").cpu, 2);
  // The VM that did not opt in stays, saying why.
  EXPECT_EQ(vm("plain")["status"]["host"], "hv-01");
  EXPECT_EQ(condition_field(vm("plain"), "HostLost", "reason"), "NotOptedIn");
  EXPECT_TRUE(lost->removed.empty());

  // hv-01 answers again, with its copy of web-1: removed, never powered or ensured.
  const std::size_t ensured_before = lost->ensured.size();
  const std::size_t powered_before = lost->powered.size();
  lost->unreachable = false;
  host_answers("hv-01");
  ASSERT_TRUE(pass("web-1").ok());
  ASSERT_TRUE(pass("plain").ok());

  EXPECT_EQ(lost->removed, std::vector<std::string>{uid});
  EXPECT_EQ(lost->vms.count(uid), 0u);
  EXPECT_EQ(lost->ensured.size(), ensured_before);
  for (std::size_t i = powered_before; i < lost->powered.size(); ++i)
    EXPECT_NE(lost->powered[i].first, uid) << "the stale copy was powered";
  const auto after = vm("web-1");
  EXPECT_FALSE(after["status"].contains("staleCopies"));
  EXPECT_EQ(condition_field(after, "HostLost", "status"), "False");
  EXPECT_EQ(condition_field(after, "HostLost", "reason"), "StaleCopiesRemoved");
  EXPECT_EQ(after["status"]["host"], "hv-02");
  EXPECT_EQ(events_named("StaleCopyRemoved"), 1);
  EXPECT_EQ(condition_field(vm("plain"), "HostLost", "reason"), "HostRecovered");
  EXPECT_EQ(condition_field(vm("plain"), "Ready", "status"), "True");
}

TEST_F(FailoverReconcilerTest, NoOtherHostFitsKeepsTheVmOnTheLostHostPending) {
  auto lost = add_host("hv-01");
  add_ha_vm("web-1");
  settle("web-1");
  lost->unreachable = true;
  host_lost("hv-01");
  fence("hv-01");
  clock.advance(seconds(61));

  ASSERT_TRUE(pass("web-1").ok());

  const auto object = vm("web-1");
  EXPECT_EQ(object["status"]["host"], "hv-01");
  EXPECT_FALSE(object["status"].contains("staleCopies"));
  EXPECT_EQ(condition_field(object, "HostLost", "reason"), "FailoverPending");
  EXPECT_NE(condition_field(object, "HostLost", "message").find("No other host fits"),
            std::string::npos)
      << condition_field(object, "HostLost", "message");
  EXPECT_EQ(events_named("Failover"), 0);
  EXPECT_EQ(ledger.allocated("hv-01").cpu, 2);  // still held where it was
}

}  // namespace
}  // namespace hvo::controllers
