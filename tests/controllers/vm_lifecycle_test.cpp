// The VirtualMachine reconciler's bookkeeping over time: quota reservations given back on
// permanent failure and on delete and never counted twice across an operator restart; agent
// operations that answer 202 polled by id instead of issued again; invalid VMs that never reach
// an agent, with one Event and no retries.
#include "controllers/quota_reconciler.h"
#include "controllers/virtualmachine_reconciler.h"
#include "tests/controllers/reconciler_fixture.h"

namespace hvo::controllers {
namespace {

using testing::ReconcilerFixture;

class VmLifecycleTest : public ReconcilerFixture {
 protected:
  VmLifecycleTest() {
    add_tenant("team-a", {{"namespaces", {"team-a"}}});
    add_quota("team-a", "team-a", {{"vcpus", 8}, {"memory", "16Gi"}, {"vms", 10}});
  }

  kube::ReconcileResult reconcile(const std::string& name) {
    auto result = reconciler->reconcile(kube::Request{"team-a", name});
    EXPECT_TRUE(result.ok()) << result.error().message();
    return result.ok() ? *result : kube::ReconcileResult::done();
  }
  void settle(const std::string& name) {
    for (int pass = 0; pass < 8; ++pass) {
      if (reconcile(name).requeue_after != VmReconcilerOptions().in_progress)
        return;
    }
    ADD_FAILURE() << name << " did not settle";
  }
  // The operator process dies and a new one starts with empty memory on the same API.
  void restart_operator() {
    // The old ledger stays registered on the store (observers are for the store's lifetime).
    ledgers_after_restart.push_back(std::make_unique<ReservationLedger>());
    vms.add_observer(ledgers_after_restart.back()->observer());
    // The operations it was following are lost with it.
    operations_after_restart.push_back(make_operations());
    reconciler = std::make_unique<VirtualMachineReconciler>(
        VmReconcilerCaches{vms, hosts, tenants, quotas}, cluster, secrets,
        VirtualMachineReconciler::Agents{agents, *operations_after_restart.back(), limiter}, events,
        *ledgers_after_restart.back());
  }
  // Quota.status.used as the Quota reconciler recomputes it from the VMs.
  nlohmann::json quota_used() {
    // The ledger of the process now running (a dead one's expectations died with it).
    const ReservationLedger& current =
        ledgers_after_restart.empty() ? ledger : *ledgers_after_restart.back();
    QuotaReconciler quota_reconciler({quotas, vms, tenants, hosts, current}, cluster);
    auto result = quota_reconciler.reconcile(kube::Request{"", "team-a"});
    EXPECT_TRUE(result.ok());
    return cluster.object(kQuotas, "", "team-a")["status"].value("used", nlohmann::json());
  }
  int events_with_reason(const std::string& reason) {
    int count = 0;
    for (const auto& event : events.events)
      count += event.reason == reason;
    return count;
  }

  std::vector<std::unique_ptr<ReservationLedger>> ledgers_after_restart;
  std::vector<std::unique_ptr<AgentOperations>> operations_after_restart;
  std::unique_ptr<VirtualMachineReconciler> reconciler =
      std::make_unique<VirtualMachineReconciler>(VmReconcilerCaches{vms, hosts, tenants, quotas},
                                                 cluster, secrets, vm_agents(), events, ledger);
};

TEST_F(VmLifecycleTest, PermanentAgentRefusalReleasesTheReservationAndStopsRetrying) {
  auto agent = add_host("hv-01");
  add_vm("web-1");
  agent->next_error = agent::AgentErrorCode::kInvalidSpec;

  const auto result = reconcile("web-1");

  auto object = vm("web-1");
  EXPECT_EQ(object["status"]["phase"], "Failed");
  EXPECT_EQ(condition_field(object, "Ready", "reason"), "InvalidSpec");
  EXPECT_EQ(condition_field(object, "QuotaReserved", "status"), "False");
  EXPECT_EQ(condition_field(object, "QuotaReserved", "reason"), "Released");
  EXPECT_FALSE(object["status"].contains("allocated"));
  EXPECT_FALSE(object["status"].contains("host"));
  EXPECT_EQ(quota_used()["vcpus"], 0);
  EXPECT_EQ(result.requeue_after, kube::Duration::zero());
  EXPECT_FALSE(result.requeue);

  // No retry storm: later passes do not call the agent until the spec changes.
  const int calls = agent->calls;
  reconcile("web-1");
  reconcile("web-1");
  EXPECT_EQ(agent->calls, calls);

  // A spec change retries from admission on.
  cluster.edit_spec(kVirtualMachines, "team-a", "web-1",
                    [](nlohmann::json& spec) { spec["cpu"]["count"] = 4; });
  settle("web-1");
  object = vm("web-1");
  EXPECT_EQ(object["status"]["phase"], "Running");
  EXPECT_EQ(quota_used()["vcpus"], 4);
}

TEST_F(VmLifecycleTest, FreedReservationAdmitsTheNextVm) {
  auto agent = add_host("hv-01");
  cluster.edit_spec(kQuotas, "", "team-a", [](nlohmann::json& spec) { spec["hard"]["vms"] = 1; });
  add_vm("broken");
  add_vm("next");
  agent->next_error = agent::AgentErrorCode::kSwitchNotFound;
  cluster.lag_caches = true;  // the release must reach the ledger even before the cache shows it

  reconcile("broken");
  reconcile("next");

  EXPECT_EQ(vm("broken")["status"]["phase"], "Failed");
  EXPECT_EQ(condition_field(vm("next"), "QuotaReserved", "status"), "True");
}

TEST_F(VmLifecycleTest, RetryableAgentErrorKeepsTheReservation) {
  auto agent = add_host("hv-01");
  add_vm("web-1");
  agent->next_error = agent::AgentErrorCode::kBusy;

  const auto result = reconcile("web-1");

  EXPECT_EQ(condition_field(vm("web-1"), "QuotaReserved", "status"), "True");
  EXPECT_EQ(vm("web-1")["status"]["host"], "hv-01");
  EXPECT_EQ(result.requeue_after, VmReconcilerOptions().in_progress);
  settle("web-1");
  EXPECT_EQ(vm("web-1")["status"]["phase"], "Running");
}

TEST_F(VmLifecycleTest, RejectedTokenIsAHostProblemNotAVmFailure) {
  auto agent = add_host("hv-01");
  add_vm("web-1");
  agent->next_error = agent::AgentErrorCode::kUnauthorized;

  reconcile("web-1");

  const auto object = vm("web-1");
  EXPECT_NE(object["status"]["phase"], "Failed");
  EXPECT_EQ(condition_field(object, "HostReachable", "status"), "False");
  EXPECT_EQ(condition_field(object, "QuotaReserved", "status"), "True");
}

TEST_F(VmLifecycleTest, DeleteReleasesTheReservation) {
  add_host("hv-01");
  add_vm("web-1");
  settle("web-1");
  ASSERT_EQ(quota_used()["vcpus"], 2);

  cluster.request_delete(kVirtualMachines, "team-a", "web-1");
  reconcile("web-1");
  reconcile("web-1");  // the informer's delete event

  EXPECT_FALSE(cluster.exists(kVirtualMachines, "team-a", "web-1"));
  EXPECT_EQ(quota_used()["vcpus"], 0);
  // The pending reservation went too: a VM of the whole quota fits again.
  add_vm("big", [](nlohmann::json& spec) { spec["cpu"]["count"] = 8; });
  reconcile("big");
  EXPECT_EQ(condition_field(vm("big"), "QuotaReserved", "status"), "True");
}

TEST_F(VmLifecycleTest, RestartAfterReservingNeitherChargesTwiceNorCreatesTwice) {
  auto agent = add_host("hv-01");
  agent->unreachable = true;  // the operator dies right after reserving and placing
  for (const char* name : {"a", "b", "c", "d"})
    add_vm(name);
  for (const char* name : {"a", "b", "c", "d"})
    reconcile(name);
  ASSERT_EQ(quota_used()["vcpus"], 8);

  restart_operator();
  agent->unreachable = false;
  for (const char* name : {"a", "b", "c", "d"})
    settle(name);
  add_vm("e");
  reconcile("e");

  EXPECT_EQ(quota_used()["vcpus"], 8);
  EXPECT_EQ(quota_used()["vms"], 4);
  EXPECT_EQ(agent->vms.size(), 4u);
  EXPECT_EQ(agent->ensured.size(), 4u);
  EXPECT_EQ(condition_field(vm("e"), "QuotaReserved", "reason"), "QuotaExceeded");
}

TEST_F(VmLifecycleTest, RestartAfterTheAgentCreatedTheVmDoesNotCreateItAgain) {
  auto agent = add_host("hv-01");
  add_vm("web-1");
  settle("web-1");

  restart_operator();
  settle("web-1");

  EXPECT_EQ(agent->ensured.size(), 1u);
  EXPECT_EQ(quota_used()["vcpus"], 2);
}

TEST_F(VmLifecycleTest, LongEnsureIsPolledByIdNotIssuedAgain) {
  auto agent = add_host("hv-01");
  agent->defer_operations = true;
  add_vm("web-1");

  auto result = reconcile("web-1");
  EXPECT_EQ(result.requeue_after, VmReconcilerOptions().operation_running);
  EXPECT_EQ(vm("web-1")["status"]["phase"], "Provisioning");
  reconcile("web-1");  // passes while it runs issue nothing: the poller follows it
  reconcile("web-1");
  EXPECT_EQ(agent->ensured.size(), 1u);

  agent->finish_operations();
  agent->defer_operations = false;
  ASSERT_TRUE(wait_for_wake("team-a/web-1"));
  EXPECT_GE(agent->operation_polls, 1);
  settle("web-1");
  EXPECT_EQ(vm("web-1")["status"]["phase"], "Running");
  EXPECT_EQ(agent->ensured.size(), 1u);
}

TEST_F(VmLifecycleTest, OperationForgottenByARestartedAgentIsIssuedAgain) {
  auto agent = add_host("hv-01");
  agent->defer_operations = true;
  add_vm("web-1");
  reconcile("web-1");

  agent->forget_operations();  // the agent restarted before running it
  agent->defer_operations = false;
  ASSERT_TRUE(wait_for_wake("team-a/web-1"));  // its poll answered 404
  settle("web-1");

  EXPECT_EQ(agent->ensured.size(), 2u);
  EXPECT_EQ(vm("web-1")["status"]["phase"], "Running");
}

TEST_F(VmLifecycleTest, OperatorRestartDuringALongEnsureConvergesWithOneVm) {
  auto agent = add_host("hv-01");
  agent->defer_operations = true;
  add_vm("web-1");
  reconcile("web-1");

  restart_operator();  // the operation id is lost with the process
  agent->finish_operations();
  agent->defer_operations = false;
  settle("web-1");

  EXPECT_EQ(agent->vms.size(), 1u);
  EXPECT_EQ(vm("web-1")["status"]["phase"], "Running");
  EXPECT_EQ(quota_used()["vms"], 1);
}

TEST_F(VmLifecycleTest, FailedOperationIsRecordedAndAPermanentOneReleasesQuota) {
  auto agent = add_host("hv-01");
  agent->defer_operations = true;
  add_vm("web-1");
  reconcile("web-1");

  agent->finish_operations(agent::AgentErrorCode::kImageNotFound);
  ASSERT_TRUE(wait_for_wake("team-a/web-1"));
  reconcile("web-1");

  const auto object = vm("web-1");
  EXPECT_EQ(object["status"]["phase"], "Failed");
  EXPECT_EQ(condition_field(object, "Ready", "reason"), "ImageNotFound");
  EXPECT_EQ(condition_field(object, "QuotaReserved", "reason"), "Released");
  EXPECT_EQ(agent->ensured.size(), 1u);
}

TEST_F(VmLifecycleTest, LongPowerActionIsPolledByIdNotIssuedAgain) {
  auto agent = add_host("hv-01");
  add_vm("web-1");
  settle("web-1");
  agent->defer_operations = true;

  cluster.edit_spec(kVirtualMachines, "team-a", "web-1",
                    [](nlohmann::json& spec) { spec["runStrategy"] = "Halted"; });
  // The agent's spec did not change (its applied-spec hash says so): no ensure, the shutdown
  // answers 202 and is polled, never issued again.
  reconcile("web-1");
  reconcile("web-1");
  reconcile("web-1");

  EXPECT_EQ(agent->ensured.size(), 1u);
  EXPECT_EQ(agent->powered.size(), 1u);
  agent->finish_operations();
  agent->defer_operations = false;
  ASSERT_TRUE(wait_for_wake("team-a/web-1"));
  settle("web-1");
  EXPECT_EQ(vm("web-1")["status"]["phase"], "Stopped");
  EXPECT_EQ(agent->powered.size(), 1u);
}

TEST_F(VmLifecycleTest, LongDeleteIsWaitedForThenTheFinalizerGoes) {
  auto agent = add_host("hv-01");
  add_vm("web-1");
  settle("web-1");
  agent->defer_operations = true;

  cluster.request_delete(kVirtualMachines, "team-a", "web-1");
  // The guest is shut down first (spec.shutdown); its 202 is polled, never issued again.
  reconcile("web-1");
  reconcile("web-1");
  EXPECT_EQ(agent->powered.size(), 1u);
  EXPECT_TRUE(agent->removed.empty());
  agent->finish_operations();
  ASSERT_TRUE(wait_for_wake("team-a/web-1"));
  reconcile("web-1");  // off: the delete answers 202
  reconcile("web-1");
  EXPECT_EQ(agent->removed.size(), 1u);
  EXPECT_TRUE(cluster.exists(kVirtualMachines, "team-a", "web-1"));

  agent->finish_operations();
  agent->defer_operations = false;
  ASSERT_TRUE(wait_for_wake("team-a/web-1"));
  reconcile("web-1");
  EXPECT_FALSE(cluster.exists(kVirtualMachines, "team-a", "web-1"));
  EXPECT_TRUE(agent->vms.empty());
}

// A slow host (a PowerShell run outlasting the agent's wait) answers every DELETE with 202. The
// delete that succeeded is the end of it: no second DELETE, the finalizer goes.
TEST_F(VmLifecycleTest, SucceededLongDeleteIsNotIssuedAgainOnASlowHost) {
  auto agent = add_host("hv-01");
  add_vm("web-1");
  settle("web-1");
  cluster.edit_spec(kVirtualMachines, "team-a", "web-1",
                    [](nlohmann::json& spec) { spec["runStrategy"] = "Halted"; });
  settle("web-1");
  agent->defer_operations = true;

  cluster.request_delete(kVirtualMachines, "team-a", "web-1");
  reconcile("web-1");  // off already: the delete answers 202
  EXPECT_EQ(agent->removed.size(), 1u);
  agent->finish_operations();  // it succeeds; the agent stays slow
  ASSERT_TRUE(wait_for_wake("team-a/web-1"));
  reconcile("web-1");

  EXPECT_FALSE(cluster.exists(kVirtualMachines, "team-a", "web-1"));
  EXPECT_EQ(agent->removed.size(), 1u);
  EXPECT_TRUE(agent->vms.empty());
}

TEST_F(VmLifecycleTest, InvalidVmNeverReachesAnyAgentAndRecordsOneEvent) {
  auto agent = add_host("hv-01");
  cluster.edit_spec(kTenants, "", "team-a",
                    [](nlohmann::json& spec) { spec["allowedImages"] = {"rocky-9"}; });
  add_vm("web-1");

  for (int pass = 0; pass < 3; ++pass) {
    const auto result = reconcile("web-1");
    EXPECT_FALSE(result.requeue);
    EXPECT_EQ(result.requeue_after, kube::Duration::zero());
  }

  const auto object = vm("web-1");
  EXPECT_EQ(condition_field(object, "Ready", "reason"), "InvalidSpec");
  EXPECT_NE(condition_field(object, "Ready", "message").find("spec.image"), std::string::npos);
  EXPECT_EQ(agent->calls, 0);
  EXPECT_EQ(events_with_reason("InvalidSpec"), 1);
  EXPECT_EQ(quota_used()["vcpus"], 0);
}

TEST_F(VmLifecycleTest, SemanticallyInvalidSpecNamesTheFieldAndNeverReachesAnAgent) {
  auto agent = add_host("hv-01");
  add_vm("web-1", [](nlohmann::json& spec) {
    spec["memory"] = {{"startup", "4Gi"}, {"dynamic", {{"minimum", "8Gi"}, {"maximum", "16Gi"}}}};
  });

  reconcile("web-1");
  reconcile("web-1");

  const auto object = vm("web-1");
  EXPECT_EQ(condition_field(object, "Ready", "reason"), "InvalidSpec");
  EXPECT_NE(condition_field(object, "Ready", "message").find("spec.memory"), std::string::npos)
      << condition_field(object, "Ready", "message");
  EXPECT_EQ(agent->calls, 0);
  EXPECT_EQ(events_with_reason("InvalidSpec"), 1);
}

// e2e finding F1: memory the schema accepts but the API's validation refuses never reaches the
// agent (which would answer with its own wording and field name).
TEST_F(VmLifecycleTest, ApiValidationRunsBeforeQuotaAndTheAgent) {
  auto agent = add_host("hv-01");
  add_vm("web-1", [](nlohmann::json& spec) { spec["memory"]["startup"] = "1001Mi"; });

  reconcile("web-1");
  reconcile("web-1");

  const auto object = vm("web-1");
  EXPECT_EQ(condition_field(object, "Ready", "reason"), "InvalidSpec");
  const std::string message = condition_field(object, "Ready", "message");
  EXPECT_EQ(message.rfind("spec.memory.startup: ", 0), 0u) << message;
  EXPECT_EQ(agent->calls, 0);
  EXPECT_EQ(quota_used()["vcpus"], 0);
  EXPECT_FALSE(object["status"].contains("host"));
  EXPECT_EQ(events_with_reason("InvalidSpec"), 1);
}

TEST_F(VmLifecycleTest, SpecTurnedInvalidOnAnUnprovisionedVmGivesTheReservationBack) {
  auto agent = add_host("hv-01");
  agent->unreachable = true;
  add_vm("web-1");
  reconcile("web-1");
  ASSERT_EQ(quota_used()["vcpus"], 2);

  cluster.edit_spec(kTenants, "", "team-a",
                    [](nlohmann::json& spec) { spec["allowedImages"] = {"rocky-9"}; });
  reconcile("web-1");

  EXPECT_EQ(condition_field(vm("web-1"), "Ready", "reason"), "InvalidSpec");
  EXPECT_EQ(quota_used()["vcpus"], 0);
}

TEST_F(VmLifecycleTest, SpecTurnedInvalidOnARunningVmKeepsItsReservation) {
  add_host("hv-01");
  add_vm("web-1");
  settle("web-1");

  cluster.edit_spec(kTenants, "", "team-a",
                    [](nlohmann::json& spec) { spec["allowedImages"] = {"rocky-9"}; });
  reconcile("web-1");

  EXPECT_EQ(condition_field(vm("web-1"), "Ready", "reason"), "InvalidSpec");
  EXPECT_EQ(condition_field(vm("web-1"), "QuotaReserved", "status"), "True");
  EXPECT_EQ(quota_used()["vcpus"], 2);  // it still runs and holds what it takes
}

TEST_F(VmLifecycleTest, GrownSpecIsAdmittedAgainBeforeTheAgentSeesIt) {
  auto agent = add_host("hv-01");
  add_vm("web-1");
  settle("web-1");

  cluster.edit_spec(kVirtualMachines, "team-a", "web-1",
                    [](nlohmann::json& spec) { spec["cpu"]["count"] = 6; });
  settle("web-1");

  EXPECT_EQ(vm("web-1")["status"]["allocated"]["cpu"], 6);
  EXPECT_EQ(quota_used()["vcpus"], 6);
  ASSERT_EQ(agent->ensured.size(), 2u);
  EXPECT_EQ(agent->ensured[1].cpu.count, 6);
}

TEST_F(VmLifecycleTest, GrowthBeyondTheQuotaKeepsTheCurrentSizeUntilRaised) {
  auto agent = add_host("hv-01");
  add_vm("web-1");
  add_vm("web-2");
  settle("web-1");
  settle("web-2");

  cluster.edit_spec(kVirtualMachines, "team-a", "web-1",
                    [](nlohmann::json& spec) { spec["cpu"]["count"] = 8; });
  const auto result = reconcile("web-1");

  auto object = vm("web-1");
  EXPECT_EQ(condition_field(object, "Ready", "reason"), "QuotaExceeded");
  EXPECT_EQ(condition_field(object, "Ready", "message"),
            "quota team-a: vcpus used 2 + requested 8 exceeds hard 8 (the VM keeps its current "
            "size until it fits)");
  EXPECT_EQ(condition_field(object, "QuotaReserved", "status"), "True");
  EXPECT_EQ(object["status"]["phase"], "Running");
  EXPECT_EQ(object["status"]["allocated"]["cpu"], 2);
  EXPECT_EQ(quota_used()["vcpus"], 4);
  EXPECT_EQ(agent->ensured.size(), 2u);  // the grown spec never reached the agent
  EXPECT_EQ(result.requeue_after, kube::Duration::zero());

  cluster.edit_spec(kQuotas, "", "team-a",
                    [](nlohmann::json& spec) { spec["hard"]["vcpus"] = 10; });
  settle("web-1");
  EXPECT_EQ(vm("web-1")["status"]["allocated"]["cpu"], 8);
  EXPECT_EQ(quota_used()["vcpus"], 10);
  EXPECT_EQ(agent->ensured.size(), 3u);
}

// Where the API server does not evaluate the CRD's transition rule, a disk made smaller reaches
// the agent, which leaves it as it is (data would be lost): the operator says so on the field, as
// admission would have, and the disk keeps its size.
TEST_F(VmLifecycleTest, ShrunkDiskIsRefusedOnItsFieldAndNeverApplied) {
  auto agent = add_host("hv-01");
  add_vm("web-1", [](nlohmann::json& spec) {
    spec["disks"].push_back({{"name", "data"}, {"source", "blank"}, {"size", "20Gi"}});
  });
  settle("web-1");
  ASSERT_EQ(condition_field(vm("web-1"), "Ready", "status"), "True");

  cluster.edit_spec(kVirtualMachines, "team-a", "web-1",
                    [](nlohmann::json& spec) { spec["disks"][1]["size"] = "10Gi"; });
  reconcile("web-1");

  const auto object = vm("web-1");
  EXPECT_EQ(condition_field(object, "Ready", "reason"), "InvalidSpec");
  const std::string message = condition_field(object, "Ready", "message");
  EXPECT_EQ(message.rfind("spec.disks[data].size: a disk cannot shrink", 0), 0u) << message;
  EXPECT_NE(message.find("hv-01"), std::string::npos) << message;
  EXPECT_EQ(events_with_reason("InvalidSpec"), 1);
  const auto& disks = agent->vms.at(object["metadata"]["uid"].get<std::string>()).disks;
  ASSERT_EQ(disks.size(), 2u);
  EXPECT_EQ(disks[1].size_bytes, 20LL << 30);

  // Growing it again (back above what the host holds) is fine.
  cluster.edit_spec(kVirtualMachines, "team-a", "web-1",
                    [](nlohmann::json& spec) { spec["disks"][1]["size"] = "30Gi"; });
  settle("web-1");
  EXPECT_EQ(condition_field(vm("web-1"), "Ready", "status"), "True");
  EXPECT_EQ(agent->vms.at(object["metadata"]["uid"].get<std::string>()).disks[1].size_bytes,
            30LL << 30);
}

TEST_F(VmLifecycleTest, ShrunkSpecRecordsTheSmallerReservation) {
  add_host("hv-01");
  add_vm("web-1", [](nlohmann::json& spec) { spec["cpu"]["count"] = 4; });
  settle("web-1");

  cluster.edit_spec(kVirtualMachines, "team-a", "web-1",
                    [](nlohmann::json& spec) { spec["cpu"]["count"] = 2; });
  settle("web-1");

  EXPECT_EQ(quota_used()["vcpus"], 2);
}

// e2e finding F3: a pass queued before the watch delivered the reconciler's own last write
// starts from a stale cache; it is skipped instead of ending in a 409 and a backoff.
TEST_F(VmLifecycleTest, PassOnACacheBehindOwnWritesIsSkippedWithoutWritesOrAgentCalls) {
  auto agent = add_host("hv-01");
  add_vm("web-1");
  cluster.lag_caches = true;
  reconcile("web-1");  // finalizer, reservation, host, ensure: all written, none cached
  const int writes = cluster.writes;
  const int calls = agent->calls;

  const auto result = reconcile("web-1");

  EXPECT_EQ(result.requeue_after, VmReconcilerOptions().cache_behind);
  EXPECT_EQ(cluster.writes, writes);
  EXPECT_EQ(agent->calls, calls);

  // Once the cache shows the latest write, passes go on as usual.
  cluster.lag_caches = false;
  vms.upsert("team-a/web-1", std::make_shared<const k8s::Json>(vm("web-1")));
  settle("web-1");
  EXPECT_EQ(vm("web-1")["status"]["phase"], "Running");
  EXPECT_EQ(agent->ensured.size(), 1u);
}

TEST_F(VmLifecycleTest, AdmissionsOfOneTenantCountEachOtherWithoutHoldingALockAcrossWrites) {
  add_host("hv-01");
  cluster.edit_spec(kQuotas, "", "team-a", [](nlohmann::json& spec) { spec["hard"]["vms"] = 2; });
  for (const char* name : {"a", "b", "c"})
    add_vm(name);
  cluster.lag_caches = true;

  for (const char* name : {"a", "b", "c"})
    reconcile(name);

  EXPECT_EQ(condition_field(vm("a"), "QuotaReserved", "status"), "True");
  EXPECT_EQ(condition_field(vm("b"), "QuotaReserved", "status"), "True");
  EXPECT_EQ(condition_field(vm("c"), "QuotaReserved", "reason"), "QuotaExceeded");
}

}  // namespace
}  // namespace hvo::controllers
