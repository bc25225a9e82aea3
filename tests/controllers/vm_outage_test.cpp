// Deletion and outages are visible and prompt (issue 17, item 6): a delete that waits for an
// unreachable host says so on the VM (Ready=False HostUnreachable, the host named, one Warning
// Event however many retries) and is no error with a growing backoff; a host whose last poll
// failed (Reachable=False, still Ready) is not called and its VMs say why; the host's Reachable
// or Ready flipping wakes its VMs; Quota and Tenant status passes that start from a cache behind
// their own last write are skipped instead of ending in a 409 Conflict.
#include <gtest/gtest.h>

#include <algorithm>

#include "controllers/conditions.h"
#include "controllers/event_routing.h"
#include "controllers/host_reachability.h"
#include "controllers/quota_reconciler.h"
#include "controllers/tenant_reconciler.h"
#include "controllers/virtualmachine_reconciler.h"
#include "tests/controllers/reconciler_fixture.h"

namespace hvo::controllers {
namespace {

using testing::ReconcilerFixture;

class VmOutageTest : public ReconcilerFixture {
 protected:
  VmOutageTest() {
    add_tenant("team-a", {{"namespaces", {"team-a"}}});
    add_quota("team-a", "team-a", {{"vcpus", 8}, {"memory", "16Gi"}, {"vms", 10}});
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
  // The host monitor's write after a failed poll: Reachable=False, Ready still True (a missed
  // poll or two is not yet an outage).
  void host_stops_answering(const std::string& name) {
    auto host = cluster.object(kHyperVHosts, "", name);
    host["status"]["conditions"] = nlohmann::json::array(
        {{{"type", "Ready"}, {"status", "True"}, {"reason", "HostReady"}, {"message", ""}},
         {{"type", "Reachable"},
          {"status", "False"},
          {"reason", "AgentUnreachable"},
          {"message", "connection refused"}}});
    ASSERT_TRUE(cluster.update_status(kHyperVHosts, host).ok());
  }
  void host_answers_again(const std::string& name) {
    auto host = cluster.object(kHyperVHosts, "", name);
    host["status"]["conditions"] = nlohmann::json::array(
        {{{"type", "Ready"}, {"status", "True"}, {"reason", "HostReady"}, {"message", ""}},
         {{"type", "Reachable"},
          {"status", "True"},
          {"reason", "AgentResponding"},
          {"message", ""}}});
    ASSERT_TRUE(cluster.update_status(kHyperVHosts, host).ok());
  }
  std::vector<testing::RecordedEvent> warnings(const std::string& reason) {
    std::vector<testing::RecordedEvent> found;
    for (const auto& event : events.events) {
      if (event.type == "Warning" && event.reason == reason)
        found.push_back(event);
    }
    return found;
  }

  VirtualMachineReconciler reconciler{
      {vms, hosts, tenants, quotas}, cluster, secrets, vm_agents(), events, ledger};
};

TEST_F(VmOutageTest, ADeleteWaitingForAnUnreachableAgentSaysSoOnceAndIsNoError) {
  auto agent = add_host("hv-01");
  add_vm("web-1");
  settle("web-1");
  agent->unreachable = true;  // the host's status has not caught up yet: the DELETE fails
  cluster.request_delete(kVirtualMachines, "team-a", "web-1");

  for (int retry = 0; retry < 3; ++retry) {
    auto result = pass("web-1");
    ASSERT_TRUE(result.ok()) << result.error().message();
    EXPECT_EQ(result->requeue_after, VmReconcilerOptions().host_unreachable);
  }

  const auto object = vm("web-1");
  EXPECT_EQ(object["status"]["phase"], "Deleting");
  EXPECT_EQ(condition_field(object, "Ready", "status"), "False");
  EXPECT_EQ(condition_field(object, "Ready", "reason"), "HostUnreachable");
  EXPECT_NE(condition_field(object, "Ready", "message").find("hv-01"), std::string::npos)
      << condition_field(object, "Ready", "message");
  EXPECT_EQ(condition_field(object, "HostReachable", "status"), "False");
  const auto warned = warnings("HostUnreachable");
  ASSERT_EQ(warned.size(), 1u) << "one Warning Event, not one per retry";
  EXPECT_EQ(warned[0].object, "team-a/web-1");
  EXPECT_NE(warned[0].note.find("hv-01"), std::string::npos) << warned[0].note;
  EXPECT_EQ(agent->vms.size(), 1u);

  agent->unreachable = false;
  auto result = pass("web-1");
  ASSERT_TRUE(result.ok()) << result.error().message();
  EXPECT_FALSE(cluster.exists(kVirtualMachines, "team-a", "web-1"));
  EXPECT_TRUE(agent->vms.empty());
}

TEST_F(VmOutageTest, ADeleteOnAHostThatStoppedAnsweringCallsNoAgentAndNamesTheHost) {
  auto agent = add_host("hv-01");
  add_vm("web-1");
  settle("web-1");
  agent->unreachable = true;
  host_stops_answering("hv-01");
  // The VM heard of the outage first (its host woke it), then was deleted: the waiting delete
  // still gets its own Warning Event, although Ready's reason was already HostUnreachable.
  ASSERT_TRUE(pass("web-1").ok());
  ASSERT_EQ(condition_field(vm("web-1"), "Ready", "reason"), "HostUnreachable");
  const int calls = agent->calls;
  cluster.request_delete(kVirtualMachines, "team-a", "web-1");

  auto result = pass("web-1");

  ASSERT_TRUE(result.ok()) << result.error().message();
  EXPECT_EQ(agent->calls, calls) << "a host whose last poll failed is not called";
  const auto object = vm("web-1");
  EXPECT_EQ(object["status"]["phase"], "Deleting");
  EXPECT_EQ(condition_field(object, "Ready", "reason"), "HostUnreachable");
  EXPECT_NE(condition_field(object, "Ready", "message").find("Host hv-01 does not answer"),
            std::string::npos)
      << condition_field(object, "Ready", "message");
  EXPECT_EQ(warnings("HostUnreachable").size(), 2u);  // the outage, then the blocked delete

  agent->unreachable = false;
  host_answers_again("hv-01");
  ASSERT_TRUE(pass("web-1").ok());
  EXPECT_FALSE(cluster.exists(kVirtualMachines, "team-a", "web-1"));
}

TEST_F(VmOutageTest, ASettledVmReportsAHostThatStoppedAnsweringWithoutCallingIt) {
  auto agent = add_host("hv-01");
  add_vm("web-1");
  settle("web-1");
  host_stops_answering("hv-01");
  const int calls = agent->calls;

  auto result = pass("web-1");

  ASSERT_TRUE(result.ok());
  EXPECT_EQ(agent->calls, calls);
  const auto object = vm("web-1");
  EXPECT_EQ(condition_field(object, "HostReachable", "status"), "False");
  EXPECT_EQ(condition_field(object, "Ready", "reason"), "HostUnreachable");
  EXPECT_EQ(object["status"]["host"], "hv-01");
  EXPECT_EQ(agent->vms.size(), 1u);  // nothing destroyed

  host_answers_again("hv-01");
  settle("web-1");
  EXPECT_EQ(condition_field(vm("web-1"), "Ready", "status"), "True");
}

TEST(HostReachability, NamesTheHostAndTheReason) {
  struct Row {
    const char* name;
    const char* ready;
    const char* reachable;  // nullptr: absent
    bool answers;
    const char* says;
  };
  const Row rows[] = {
      {"ReadyAndReachable", "True", "True", true, ""},
      {"ReadyWithoutAReachableCondition", "True", nullptr, true, ""},
      {"ReadyButTheLastPollFailed", "True", "False", false, "Host hv-01 does not answer: down"},
      {"NotReady", "False", "False", false, "Host hv-01 is not Ready: down"},
  };
  for (const Row& row : rows) {
    api::HyperVHost host;
    host.metadata.name = "hv-01";
    host.status.conditions.push_back(
        make_condition("Ready", row.ready == std::string("True"), "R", "down", 1));
    if (row.reachable) {
      host.status.conditions.push_back(
          make_condition("Reachable", row.reachable == std::string("True"), "R", "down", 1));
    }
    const auto reason = host_unreachable_reason(host);
    EXPECT_EQ(!reason.has_value(), row.answers) << row.name;
    if (reason) {
      EXPECT_EQ(*reason, row.says) << row.name;
    }
  }
}

TEST(HostReachability, AFlipOfReadyOrReachableWakesTheHostsVms) {
  const auto host = [](const char* ready, const char* reachable) {
    return nlohmann::json{{"metadata", {{"name", "hv-01"}}},
                          {"status",
                           {{"conditions",
                             {{{"type", "Ready"}, {"status", ready}},
                              {{"type", "Reachable"}, {"status", reachable}}}},
                            {"lastHeartbeatTime", "2026-12-07T00:00:00Z"}}}};
  };
  EXPECT_TRUE(host_reachability_changed(host("True", "True"), host("True", "False")));
  EXPECT_TRUE(host_reachability_changed(host("True", "False"), host("True", "True")));
  EXPECT_TRUE(host_reachability_changed(host("True", "False"), host("False", "False")));
  EXPECT_FALSE(host_reachability_changed(host("True", "True"), host("True", "True")));

  // Through the informer handlers the operator wires: every VM placed on the host is queued.
  kube::Store vm_store, host_store, tenant_store, quota_store;
  add_cache_indices(vm_store, tenant_store, quota_store);
  for (const char* name : {"a", "b"}) {
    vm_store.upsert(std::string("team-a/") + name,
                    std::make_shared<const k8s::Json>(
                        nlohmann::json{{"metadata", {{"name", name}, {"namespace", "team-a"}}},
                                       {"status", {{"host", "hv-01"}}}}));
  }
  std::vector<std::string> woken;
  const auto record = [&woken](const std::string& key) { woken.push_back(key); };
  const auto ignore = [](const std::string&) {};
  auto handlers = host_events({vm_store, host_store, tenant_store, quota_store},
                              {record, ignore, ignore, ignore});
  handlers.on_update(host("True", "True"), host("True", "False"));
  std::sort(woken.begin(), woken.end());
  EXPECT_EQ(woken, (std::vector<std::string>{"team-a/a", "team-a/b"}));
  woken.clear();
  handlers.on_update(host("True", "False"), host("True", "False"));  // a heartbeat: nothing
  EXPECT_TRUE(woken.empty());
}

// A fault-free rollout's Quota and Tenant status writes: the cache lags behind the last write
// (as the watch does under load) while VMs keep changing. The passes from the stale cache are
// skipped, never sent: no 409 Conflict, and the status is right once the cache catches up.
TEST_F(VmOutageTest, QuotaAndTenantStatusWritesWaitForTheCacheInsteadOfConflicting) {
  add_host("hv-01");
  QuotaReconciler quota_reconciler({quotas, vms, tenants, hosts, ledger}, cluster);
  TenantReconciler tenant_reconciler({tenants, namespaces, role_bindings, ledger}, cluster, events,
                                     "hyperv-tenant-admin");
  ASSERT_TRUE(tenant_reconciler.reconcile(kube::Request{"", "team-a"}).ok());
  ASSERT_TRUE(quota_reconciler.reconcile(kube::Request{"", "team-a"}).ok());

  int skipped = 0;
  for (const char* name : {"web-1", "web-2", "web-3"}) {
    add_vm(name);
    settle(name);
    // The statuses' next writes go to the API, but their caches stay where they were.
    cluster.lag_caches = true;
    auto quota = quota_reconciler.reconcile(kube::Request{"", "team-a"});
    auto tenant = tenant_reconciler.reconcile(kube::Request{"", "team-a"});
    ASSERT_TRUE(quota.ok()) << quota.error().message();
    ASSERT_TRUE(tenant.ok()) << tenant.error().message();
    // Another VM change wakes them again while the cache is still behind: skipped, not a 409.
    quota = quota_reconciler.reconcile(kube::Request{"", "team-a"});
    tenant = tenant_reconciler.reconcile(kube::Request{"", "team-a"});
    ASSERT_TRUE(quota.ok()) << quota.error().message();
    ASSERT_TRUE(tenant.ok()) << tenant.error().message();
    skipped += quota->requeue_after > kube::Duration::zero();
    skipped += tenant->requeue_after > kube::Duration::zero();
    // The watch delivers the writes.
    cluster.lag_caches = false;
    quotas.upsert("team-a",
                  std::make_shared<const k8s::Json>(cluster.object(kQuotas, "", "team-a")));
    tenants.upsert("team-a",
                   std::make_shared<const k8s::Json>(cluster.object(kTenants, "", "team-a")));
  }
  EXPECT_EQ(skipped, 6);
  ASSERT_TRUE(quota_reconciler.reconcile(kube::Request{"", "team-a"}).ok());
  const auto quota = cluster.object(kQuotas, "", "team-a");
  EXPECT_EQ(quota["status"]["used"]["vms"], 3) << quota["status"].dump();
}

}  // namespace
}  // namespace hvo::controllers
