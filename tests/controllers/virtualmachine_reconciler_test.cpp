// The VirtualMachine reconciler against an in-memory API server and fake agents: the order of
// its writes (reservation and host before any agent call), quota admission, scheduling, power,
// drift and deletion.
#include "controllers/virtualmachine_reconciler.h"

#include "tests/controllers/reconciler_fixture.h"

namespace hvo::controllers {
namespace {

using testing::ReconcilerFixture;

class VirtualMachineReconcilerTest : public ReconcilerFixture {
 protected:
  VirtualMachineReconcilerTest() {
    add_tenant("team-a", {{"namespaces", {"team-a"}}});
    add_quota("team-a", "team-a", {{"vcpus", 8}, {"memory", "16Gi"}, {"vms", 10}});
  }

  kube::ReconcileResult reconcile(const std::string& name) {
    auto result = reconciler.reconcile(kube::Request{"team-a", name});
    EXPECT_TRUE(result.ok()) << result.error().message();
    return result.ok() ? *result : kube::ReconcileResult::done();
  }
  // Reconciles until the VM settles (a pass that asks for nothing but the periodic resync).
  void settle(const std::string& name) {
    for (int pass = 0; pass < 8; ++pass) {
      const auto result = reconcile(name);
      if (result.requeue_after != VmReconcilerOptions().in_progress)
        return;
    }
    ADD_FAILURE() << name << " did not settle";
  }

  VirtualMachineReconciler reconciler{
      {vms, hosts, tenants, quotas}, cluster, secrets, vm_agents(), events, ledger};
};

TEST_F(VirtualMachineReconcilerTest, NewVmRunsOnAHostWithStatusAndFinalizer) {
  auto agent = add_host("hv-01");
  add_vm("web-1");

  settle("web-1");

  const auto object = vm("web-1");
  ASSERT_EQ(object["status"]["phase"], "Running") << object["status"].dump();
  EXPECT_EQ(object["status"]["host"], "hv-01");
  EXPECT_EQ(object["status"]["powerState"], "Running");
  EXPECT_EQ(object["status"]["vmId"], "vmid-uid-web-1");
  EXPECT_EQ(object["status"]["allocated"]["cpu"], 2);
  EXPECT_EQ(object["status"]["allocated"]["memory"], "4Gi");
  EXPECT_EQ(object["status"]["observedGeneration"], 1);
  EXPECT_EQ(condition_field(object, "Ready", "status"), "True");
  EXPECT_EQ(condition_field(object, "QuotaReserved", "status"), "True");
  EXPECT_EQ(condition_field(object, "Scheduled", "status"), "True");
  EXPECT_EQ(condition_field(object, "Provisioned", "status"), "True");
  EXPECT_EQ(condition_field(object, "Reconciling", "status"), "False");
  EXPECT_EQ(object["metadata"]["finalizers"][0], kVmFinalizer);
  ASSERT_EQ(agent->ensured.size(), 1u);
  EXPECT_EQ(agent->ensured[0].power, agent::PowerIntent::kRunning);
  EXPECT_TRUE(events.has("Scheduled"));
}

// Issue 11's budget: created → Ready in at most 3 writes of the VirtualMachine (finalizer;
// reservation + placement; Ready) and 1 Event; a settled VM costs no write and no agent call.
TEST_F(VirtualMachineReconcilerTest, CreateToReadyTakesThreeWritesAndOneEvent) {
  auto agent = add_host("hv-01");
  add_vm("web-1");
  const int writes_before = cluster.writes;

  settle("web-1");

  ASSERT_EQ(vm("web-1")["status"]["phase"], "Running");
  EXPECT_EQ(cluster.writes - writes_before, 3);
  EXPECT_EQ(cluster.patches, 1) << "the finalizer goes in a JSON patch, not a PUT";
  EXPECT_EQ(cluster.status_writes, 2);
  EXPECT_EQ(events.events.size(), 1u);
  EXPECT_TRUE(events.has("Scheduled"));

  const int agent_calls = agent->calls;
  for (int pass = 0; pass < 3; ++pass)
    EXPECT_EQ(reconcile("web-1").requeue_after, kube::Duration::zero());
  EXPECT_EQ(cluster.writes - writes_before, 3);
  EXPECT_EQ(agent->calls, agent_calls) << "a settled VM is not asked about";
}

// An agent that answers 202 (still creating) costs no extra write: the checkpoint already says
// Provisioning, and Ready is written once the operation is done.
TEST_F(VirtualMachineReconcilerTest, SlowCreateStillTakesThreeWrites) {
  auto agent = add_host("hv-01");
  agent->defer_operations = true;
  add_vm("web-1");
  const int writes_before = cluster.writes;

  reconcile("web-1");
  reconcile("web-1");
  EXPECT_EQ(vm("web-1")["status"]["phase"], "Provisioning");
  EXPECT_EQ(agent->ensured.size(), 1u);
  agent->finish_operations();
  agent->defer_operations = false;
  ASSERT_TRUE(wait_for_wake("team-a/web-1"));
  settle("web-1");

  ASSERT_EQ(vm("web-1")["status"]["phase"], "Running");
  EXPECT_EQ(cluster.writes - writes_before, 3);
  EXPECT_EQ(events.events.size(), 1u);
}

TEST_F(VirtualMachineReconcilerTest, ReservationAndHostAreRecordedBeforeTheAgentIsCalled) {
  auto agent = add_host("hv-01");
  agent->unreachable = true;
  add_vm("web-1");

  reconcile("web-1");

  const auto object = vm("web-1");
  EXPECT_EQ(condition_field(object, "QuotaReserved", "status"), "True");
  EXPECT_EQ(object["status"]["host"], "hv-01");
  EXPECT_EQ(object["status"]["phase"], "Unknown");
  EXPECT_EQ(condition_field(object, "HostReachable", "status"), "False");
  EXPECT_TRUE(agent->ensured.empty());

  agent->unreachable = false;
  settle("web-1");
  EXPECT_EQ(vm("web-1")["status"]["host"], "hv-01");  // the retry went to the same host
  EXPECT_EQ(agent->ensured.size(), 1u);
}

TEST_F(VirtualMachineReconcilerTest, OverQuotaStaysPendingNamingTheResourceUntilRaised) {
  auto agent = add_host("hv-01");
  add_vm("big", [](nlohmann::json& spec) { spec["cpu"]["count"] = 12; });

  settle("big");

  auto object = vm("big");
  EXPECT_EQ(object["status"]["phase"], "Pending");
  EXPECT_EQ(condition_field(object, "QuotaReserved", "reason"), "QuotaExceeded");
  EXPECT_EQ(condition_field(object, "QuotaReserved", "message"),
            "quota team-a: vcpus used 0 + requested 12 exceeds hard 8");
  EXPECT_EQ(condition_field(object, "Stalled", "status"), "True");
  EXPECT_TRUE(agent->ensured.empty());
  EXPECT_TRUE(events.has("QuotaExceeded"));

  cluster.edit_spec(kQuotas, "", "team-a",
                    [](nlohmann::json& spec) { spec["hard"]["vcpus"] = 16; });
  settle("big");

  object = vm("big");
  EXPECT_EQ(object["status"]["phase"], "Running");
  EXPECT_EQ(agent->ensured.size(), 1u);
}

TEST_F(VirtualMachineReconcilerTest, TwoVmsCannotBothTakeTheLastUnitWhileTheCacheLags) {
  add_host("hv-01");
  cluster.edit_spec(kQuotas, "", "team-a", [](nlohmann::json& spec) { spec["hard"]["vms"] = 1; });
  add_vm("first");
  add_vm("second");
  cluster.lag_caches = true;  // the first reservation is written but not yet seen by the cache

  reconcile("first");
  reconcile("second");

  EXPECT_EQ(condition_field(vm("first"), "QuotaReserved", "status"), "True");
  EXPECT_EQ(condition_field(vm("second"), "QuotaReserved", "reason"), "QuotaExceeded");
}

TEST_F(VirtualMachineReconcilerTest, InvalidVmNeverReachesAnAgent) {
  auto agent = add_host("hv-01");
  cluster.edit_spec(kTenants, "", "team-a",
                    [](nlohmann::json& spec) { spec["allowedSwitches"] = {"mgmt"}; });
  add_vm("web-1");

  const auto result = reconcile("web-1");

  const auto object = vm("web-1");
  EXPECT_EQ(condition_field(object, "Ready", "reason"), "InvalidSpec");
  EXPECT_EQ(condition_field(object, "Ready", "message"),
            "spec.networks[0].switch: switch \"external\" is not allowed for tenant team-a "
            "(allowed: mgmt)");
  EXPECT_EQ(condition_field(object, "Stalled", "status"), "True");
  EXPECT_EQ(result.requeue_after, kube::Duration::zero());
  EXPECT_FALSE(result.requeue);
  EXPECT_TRUE(agent->ensured.empty());
  EXPECT_TRUE(events.has("InvalidSpec"));
}

TEST_F(VirtualMachineReconcilerTest, NoFittingHostSaysWhyPerHost) {
  add_host("hv-01");
  add_host("hv-02");
  add_vm("web-1", [](nlohmann::json& spec) { spec["image"] = "rocky-10"; });

  reconcile("web-1");

  const auto object = vm("web-1");
  EXPECT_EQ(object["status"]["phase"], "Scheduling");
  EXPECT_EQ(condition_field(object, "Scheduled", "message"),
            "0/2 hosts fit: 2 lack image rocky-10");
}

TEST_F(VirtualMachineReconcilerTest, PinnedVmGoesToItsHost) {
  add_host("hv-01");
  add_host("hv-02");
  add_vm("web-1", [](nlohmann::json& spec) { spec["placement"] = {{"host", "hv-02"}}; });

  settle("web-1");

  EXPECT_EQ(vm("web-1")["status"]["host"], "hv-02");
}

TEST_F(VirtualMachineReconcilerTest, AntiAffinityGroupSpreadsVmsOverHosts) {
  add_host("hv-01");
  add_host("hv-02");
  const auto grouped = [](nlohmann::json& spec) {
    spec["placement"] = {{"strategy", "BinPack"}, {"antiAffinityGroup", "web"}};
  };
  add_vm("web-1", grouped);
  add_vm("web-2", grouped);

  settle("web-1");
  settle("web-2");

  EXPECT_NE(vm("web-1")["status"]["host"], vm("web-2")["status"]["host"]);
}

TEST_F(VirtualMachineReconcilerTest, HaltedStopsTheVmAndIsReady) {
  auto agent = add_host("hv-01");
  add_vm("web-1");
  settle("web-1");

  cluster.edit_spec(kVirtualMachines, "team-a", "web-1",
                    [](nlohmann::json& spec) { spec["runStrategy"] = "Halted"; });
  settle("web-1");

  const auto object = vm("web-1");
  EXPECT_EQ(object["status"]["phase"], "Stopped");
  EXPECT_EQ(condition_field(object, "Ready", "status"), "True");
  EXPECT_EQ(condition_field(object, "Ready", "message"),
            "Stopped as requested (runStrategy Halted).");
  ASSERT_FALSE(agent->powered.empty());
  EXPECT_EQ(agent->powered.back().second, agent::PowerAction::kShutdown);

  cluster.edit_spec(kVirtualMachines, "team-a", "web-1",
                    [](nlohmann::json& spec) { spec["runStrategy"] = "Always"; });
  settle("web-1");
  EXPECT_EQ(vm("web-1")["status"]["phase"], "Running");
  EXPECT_EQ(agent->powered.back().second, agent::PowerAction::kStart);
}

TEST_F(VirtualMachineReconcilerTest, RestartRequestRestartsOnceAndIsRecorded) {
  auto agent = add_host("hv-01");
  add_vm("web-1");
  settle("web-1");

  cluster.edit_spec(kVirtualMachines, "team-a", "web-1", [](nlohmann::json& spec) {
    spec["restartRequestedAt"] = "2026-11-22T01:00:00Z";
  });
  settle("web-1");
  settle("web-1");

  // A graceful shutdown, then an ensure while off that starts the VM again (restart_sequence.h).
  ASSERT_EQ(agent->powered.size(), 1u);
  EXPECT_EQ(agent->powered[0].second, agent::PowerAction::kShutdown);
  EXPECT_EQ(agent->vms.at("uid-web-1").state, agent::VmState::kRunning);
  EXPECT_EQ(vm("web-1")["status"]["lastRestartTime"], "2026-11-22T01:00:00Z");
  EXPECT_FALSE(vm("web-1")["status"].contains("restart"));
  EXPECT_TRUE(events.has("Restarted"));
}

TEST_F(VirtualMachineReconcilerTest, RestartRequestAppliesTheDeferredCpuAndClearsRestartRequired) {
  auto agent = add_host("hv-01");
  add_vm("web-1");
  settle("web-1");
  cluster.edit_spec(kVirtualMachines, "team-a", "web-1",
                    [](nlohmann::json& spec) { spec["cpu"]["count"] = 4; });
  settle("web-1");
  ASSERT_EQ(condition_field(vm("web-1"), "RestartRequired", "status"), "True");
  const std::size_t ensures = agent->ensured.size();
  settle("web-1");
  EXPECT_EQ(agent->ensured.size(), ensures) << "the same spec is not sent again while it waits";

  cluster.edit_spec(kVirtualMachines, "team-a", "web-1", [](nlohmann::json& spec) {
    spec["restartRequestedAt"] = "2026-11-22T01:00:00Z";
  });
  settle("web-1");
  settle("web-1");
  EXPECT_EQ(agent->vms.at("uid-web-1").cpu_count, 4);
  EXPECT_EQ(agent->vms.at("uid-web-1").state, agent::VmState::kRunning);
  EXPECT_EQ(condition_field(vm("web-1"), "RestartRequired", "status"), "False");
}

TEST_F(VirtualMachineReconcilerTest, DriftReportedByTheHostIsEnsuredAgainWithAnEvent) {
  auto agent = add_host("hv-01");
  add_vm("web-1");
  settle("web-1");
  const std::size_t ensures = agent->ensured.size();
  agent->vms.at("uid-web-1").config_drift = true;  // edited by hand on the host
  reconciler.note_drift("team-a/web-1");           // the host poll saw it
  settle("web-1");
  EXPECT_EQ(agent->ensured.size(), ensures + 1);
  EXPECT_TRUE(events.has("DriftCorrected"));
}

TEST_F(VirtualMachineReconcilerTest, CpuChangeOnARunningVmReportsRestartRequired) {
  add_host("hv-01");
  add_vm("web-1");
  settle("web-1");

  cluster.edit_spec(kVirtualMachines, "team-a", "web-1",
                    [](nlohmann::json& spec) { spec["cpu"]["count"] = 4; });
  settle("web-1");

  const auto object = vm("web-1");
  EXPECT_EQ(condition_field(object, "RestartRequired", "status"), "True");
  EXPECT_EQ(object["status"]["observedGeneration"], 2);
}

// The status write that would first record RestartRequired fails (a 409): the VM's status
// still reads settled, yet the retried pass must find the pending fields and restart it.
TEST_F(VirtualMachineReconcilerTest, AutomaticRestartSurvivesAFailedWriteOfRestartRequired) {
  auto agent = add_host("hv-01");
  add_vm("web-1");
  settle("web-1");
  agent->defer_operations = true;
  cluster.edit_spec(kVirtualMachines, "team-a", "web-1", [](nlohmann::json& spec) {
    spec["cpu"]["count"] = 4;
    spec["updateStrategy"] = {{"type", "Automatic"}};
  });
  reconcile("web-1");  // the ensure answers 202
  agent->finish_operations();
  agent->defer_operations = false;
  ASSERT_TRUE(wait_for_wake("team-a/web-1"));
  cluster.fail_status_write_if = [](const nlohmann::json& object) {
    for (const auto& condition : object["status"].value("conditions", nlohmann::json::array()))
      if (condition.value("type", "") == "RestartRequired" &&
          condition.value("status", "") == "True")
        return true;
    return false;
  };
  EXPECT_FALSE(reconciler.reconcile(kube::Request{"team-a", "web-1"}).ok());
  for (int pass = 0; pass < 4; ++pass)
    settle("web-1");

  EXPECT_FALSE(cluster.fail_status_write_if) << "no pass tried to record RestartRequired";
  EXPECT_FALSE(agent->powered.empty()) << "the VM was never restarted";
  EXPECT_EQ(agent->vms.at("uid-web-1").cpu_count, 4);
}

TEST_F(VirtualMachineReconcilerTest, VmDeletedOnTheHostIsRecreated) {
  auto agent = add_host("hv-01");
  add_vm("web-1");
  settle("web-1");

  agent->vms.clear();  // removed by hand on the host
  settle("web-1");
  EXPECT_EQ(agent->ensured.size(), 1u) << "a settled VM is not looked at without a reason";

  reconciler.note_drift("team-a/web-1");  // the host poll's inventory lacks it
  settle("web-1");

  EXPECT_EQ(agent->vms.size(), 1u);
  EXPECT_EQ(agent->ensured.size(), 2u);
  EXPECT_TRUE(events.has("Recreated"));
  EXPECT_EQ(vm("web-1")["status"]["phase"], "Running");
}

TEST_F(VirtualMachineReconcilerTest, DeleteRemovesFromTheAgentThenDropsTheFinalizer) {
  auto agent = add_host("hv-01");
  add_vm("web-1");
  settle("web-1");

  cluster.request_delete(kVirtualMachines, "team-a", "web-1");
  reconcile("web-1");

  EXPECT_EQ(agent->removed, std::vector<std::string>{"uid-web-1"});
  EXPECT_TRUE(agent->vms.empty());
  EXPECT_FALSE(cluster.exists(kVirtualMachines, "team-a", "web-1"));
}

TEST_F(VirtualMachineReconcilerTest, DeleteWaitsWhileTheHostIsUnreachable) {
  auto agent = add_host("hv-01");
  add_vm("web-1");
  settle("web-1");
  agent->unreachable = true;

  cluster.request_delete(kVirtualMachines, "team-a", "web-1");
  auto result = reconciler.reconcile(kube::Request{"team-a", "web-1"});

  // A wait for the host, not an error with a growing backoff (the host wakes the VM).
  ASSERT_TRUE(result.ok()) << result.error().message();
  EXPECT_EQ(result->requeue_after, VmReconcilerOptions().host_unreachable);
  EXPECT_TRUE(cluster.exists(kVirtualMachines, "team-a", "web-1"));
  EXPECT_EQ(agent->vms.size(), 1u);
}

TEST_F(VirtualMachineReconcilerTest, UnreachableHostLeavesTheVmUntouched) {
  auto agent = add_host("hv-01");
  add_vm("web-1");
  settle("web-1");
  agent->unreachable = true;
  // The host poll finds the agent gone and says so on the host; that wakes the host's VMs.
  auto host = cluster.object(kHyperVHosts, "", "hv-01");
  host["status"]["conditions"] = nlohmann::json::array(
      {{{"type", "Ready"}, {"status", "False"}, {"reason", "AgentUnreachable"}, {"message", ""}}});
  ASSERT_TRUE(cluster.update_status(kHyperVHosts, host).ok());

  reconcile("web-1");

  const auto object = vm("web-1");
  EXPECT_EQ(condition_field(object, "HostReachable", "status"), "False");
  EXPECT_EQ(object["status"]["host"], "hv-01");
  EXPECT_EQ(condition_field(object, "QuotaReserved", "status"), "True");
  EXPECT_EQ(agent->vms.size(), 1u);
}

TEST_F(VirtualMachineReconcilerTest, SettledVmIsNotRewritten) {
  add_host("hv-01");
  add_vm("web-1");
  settle("web-1");
  const int writes = cluster.writes;

  reconcile("web-1");
  reconcile("web-1");

  EXPECT_EQ(cluster.writes, writes);
}

}  // namespace
}  // namespace hvo::controllers
