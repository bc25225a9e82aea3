// The HyperVHost, Quota and Tenant reconcilers against the in-memory API server.
#include <gtest/gtest.h>

#include "controllers/hypervhost_reconciler.h"
#include "controllers/quota_reconciler.h"
#include "controllers/tenant_desired.h"
#include "controllers/tenant_reconciler.h"
#include "tests/controllers/reconciler_fixture.h"

namespace hvo::controllers {
namespace {

using testing::ReconcilerFixture;

class HyperVHostReconcilerTest : public ReconcilerFixture {
 protected:
  HyperVHostReconcilerTest() {}
  kube::ReconcileResult reconcile(const std::string& host) {
    auto result = reconciler.reconcile(kube::Request{"", host});
    EXPECT_TRUE(result.ok()) << result.error().message();
    return result.ok() ? *result : kube::ReconcileResult::done();
  }

  // A zero timeout makes every failed poll a missed heartbeat.
  HostReconcilerOptions options{
      std::chrono::seconds(30),
      HeartbeatSettings{std::chrono::seconds(0), std::chrono::seconds(60)}};
  HyperVHostReconciler reconciler{hosts,   ledger, observations, cluster,
                                  secrets, agents, events,       options};
};

TEST_F(HyperVHostReconcilerTest, PollWritesWhatTheAgentReportsAndComesBackJittered) {
  add_host("hv-01");

  const auto result = reconcile("hv-01");

  const auto host = cluster.object(kHyperVHosts, "", "hv-01");
  EXPECT_EQ(host["status"]["agentVersion"], "0.1.0-fake");
  EXPECT_EQ(host["status"]["capacity"]["cpu"], 16);
  EXPECT_EQ(host["status"]["allocatable"]["cpu"], 64);  // 16 x the default cpuRatio 4
  EXPECT_EQ(condition_field(host, "Reachable", "status"), "True");
  EXPECT_EQ(condition_field(host, "Ready", "status"), "True");
  EXPECT_GE(result.requeue_after, std::chrono::seconds(27));
  EXPECT_LE(result.requeue_after, std::chrono::seconds(33));
}

TEST_F(HyperVHostReconcilerTest, IdlePollsDoNotWrite) {
  add_host("hv-01");
  reconcile("hv-01");
  const int writes = cluster.status_writes;

  reconcile("hv-01");
  reconcile("hv-01");

  EXPECT_EQ(cluster.status_writes, writes);
}

TEST_F(HyperVHostReconcilerTest, SilentAgentMakesTheHostNotReadyAndRecovers) {
  auto agent = add_host("hv-01");
  reconcile("hv-01");
  agent->unreachable = true;

  reconcile("hv-01");

  auto host = cluster.object(kHyperVHosts, "", "hv-01");
  EXPECT_EQ(condition_field(host, "Ready", "status"), "False");
  EXPECT_EQ(condition_field(host, "Ready", "reason"), "HeartbeatTimeout");
  EXPECT_EQ(condition_field(host, "Reachable", "reason"), "AgentUnreachable");
  EXPECT_TRUE(events.has("HeartbeatTimeout"));

  agent->unreachable = false;
  reconcile("hv-01");

  host = cluster.object(kHyperVHosts, "", "hv-01");
  EXPECT_EQ(condition_field(host, "Ready", "status"), "True");
}

TEST_F(HyperVHostReconcilerTest, MissingSecretIsReportedAsInvalidCredentials) {
  add_host("hv-01");
  ASSERT_TRUE(cluster.remove(kSecrets, "hyperv-system", "hv-01-agent").ok());

  reconcile("hv-01");

  const auto host = cluster.object(kHyperVHosts, "", "hv-01");
  EXPECT_EQ(condition_field(host, "Reachable", "reason"), "InvalidCredentials");
  EXPECT_NE(condition_field(host, "Reachable", "message")
                .find("host hv-01: credentials secret hyperv-system/hv-01-agent"),
            std::string::npos);
}

class QuotaReconcilerTest : public ReconcilerFixture {
 protected:
  QuotaReconciler reconciler{{quotas, vms, tenants, hosts, ledger}, cluster};
};

TEST_F(QuotaReconcilerTest, UsedIsRecomputedFromTheVmsReservations) {
  add_tenant("team-a", {{"namespaces", {"team-a"}}});
  add_quota("team-a", "team-a", {{"vcpus", 8}});
  add_vm("web-1");
  nlohmann::json object = vm("web-1");
  object["status"] = nlohmann::json::parse(R"({
    "allocated": {"cpu": 2, "memory": "4Gi", "storage": "20Gi"},
    "conditions": [{"type": "QuotaReserved", "status": "True", "reason": "Reserved",
                    "message": "", "lastTransitionTime": "2026-11-22T00:00:00Z"}]})");
  ASSERT_TRUE(cluster.update_status(kVirtualMachines, object).ok());

  auto result = reconciler.reconcile(kube::Request{"", "team-a"});

  ASSERT_TRUE(result.ok()) << result.error().message();
  const auto quota = cluster.object(kQuotas, "", "team-a");
  EXPECT_EQ(quota["status"]["used"]["vcpus"], 2);
  EXPECT_EQ(quota["status"]["used"]["memory"], "4Gi");
  EXPECT_EQ(quota["status"]["used"]["vms"], 1);
  EXPECT_EQ(quota["status"]["reserved"]["vms"], 1);  // not provisioned yet
  EXPECT_EQ(condition_field(quota, "Ready", "status"), "True");
}

class TenantReconcilerTest : public ReconcilerFixture {
 protected:
  TenantReconciler reconciler{{tenants, namespaces, role_bindings, ledger},
                              cluster,
                              events,
                              kDefaultTenantAdminClusterRole};
  void reconcile_ok(const std::string& tenant) {
    auto result = reconciler.reconcile(kube::Request{"", tenant});
    ASSERT_TRUE(result.ok()) << result.error().message();
  }
  std::string binding_subjects(const std::string& ns) {
    std::string names;
    const auto binding = cluster.object(kRoleBindings, ns, kTenantAdminsRoleBindingName);
    for (const auto& subject : binding.value("subjects", nlohmann::json::array()))
      names += (names.empty() ? "" : ",") + subject.value("name", std::string());
    return names;
  }
};

TEST_F(TenantReconcilerTest, CreatesLabelledNamespacesAndAdminBindings) {
  add_tenant("team-a",
             {{"namespaces", {"team-a", "team-a-dev"}}, {"admins", {{"users", {"alice"}}}}});
  cluster.put(kNamespaces, {{"metadata", {{"name", "team-a-dev"}}}});  // exists, unlabelled

  auto result = reconciler.reconcile(kube::Request{"", "team-a"});

  ASSERT_TRUE(result.ok()) << result.error().message();
  for (const std::string ns : {"team-a", "team-a-dev"}) {
    const auto object = cluster.object(kNamespaces, "", ns);
    EXPECT_EQ(object["metadata"]["labels"][kTenantLabel], "team-a") << ns;
    const auto binding = cluster.object(kRoleBindings, ns, kTenantAdminsRoleBindingName);
    EXPECT_EQ(binding["roleRef"]["name"], "hyperv-operator-tenant-admin") << ns;
    EXPECT_EQ(binding["subjects"][0]["name"], "alice") << ns;
  }
  const auto tenant = cluster.object(kTenants, "", "team-a");
  EXPECT_EQ(condition_field(tenant, "Ready", "status"), "True");
}

TEST_F(TenantReconcilerTest, SteadyStatePassReadsOnlyCachesAndWritesNothing) {
  add_tenant("team-a",
             {{"namespaces", {"team-a", "team-a-dev"}}, {"admins", {{"users", {"alice"}}}}});
  cluster.put(kNamespaces, {{"metadata", {{"name", "team-a-dev"}}}});  // exists, unlabelled
  reconcile_ok("team-a");
  EXPECT_TRUE(namespaces.get("team-a-dev"));  // labelled now: the informer sees it
  EXPECT_TRUE(role_bindings.get(std::string("team-a/") + kTenantAdminsRoleBindingName));
  const int gets = cluster.gets;
  const int writes = cluster.writes;

  reconcile_ok("team-a");
  reconcile_ok("team-a");

  EXPECT_EQ(cluster.gets, gets);
  EXPECT_EQ(cluster.writes, writes);
}

TEST_F(TenantReconcilerTest, UnlabelledNamespaceIsReadOnlyOnTheAlreadyExistsPath) {
  add_tenant("team-a", {{"namespaces", {"team-a", "legacy"}}});
  cluster.put(kNamespaces, {{"metadata", {{"name", "legacy"}, {"labels", {{"app", "old"}}}}}});
  ASSERT_FALSE(namespaces.get("legacy"));  // not the operator's (yet): not cached

  reconcile_ok("team-a");

  const auto legacy = cluster.object(kNamespaces, "", "legacy");
  EXPECT_EQ(legacy["metadata"]["labels"][kTenantLabel], "team-a");
  EXPECT_EQ(legacy["metadata"]["labels"]["app"], "old");
  EXPECT_EQ(cluster.gets, 1);  // the one namespace the create found already there
}

TEST_F(TenantReconcilerTest, PassWhileTheCachesLagKeepsWhatTheLastPassCreated) {
  add_tenant("team-a", {{"namespaces", {"team-a"}}, {"admins", {{"users", {"alice"}}}}});
  reconcile_ok("team-a");
  // The informers have not yet seen the namespace and binding the pass created.
  namespaces.remove("team-a");
  role_bindings.remove(std::string("team-a/") + kTenantAdminsRoleBindingName);
  const auto binding = cluster.object(kRoleBindings, "team-a", kTenantAdminsRoleBindingName);

  reconcile_ok("team-a");

  const auto after = cluster.object(kRoleBindings, "team-a", kTenantAdminsRoleBindingName);
  EXPECT_EQ(after["metadata"]["resourceVersion"], binding["metadata"]["resourceVersion"]);
  EXPECT_EQ(condition_field(cluster.object(kTenants, "", "team-a"), "Ready", "status"), "True");
}

TEST_F(TenantReconcilerTest, ChangedAdminsReplaceTheCachedBinding) {
  add_tenant("team-a", {{"namespaces", {"team-a"}}, {"admins", {{"users", {"alice"}}}}});
  reconcile_ok("team-a");
  cluster.edit_spec(kTenants, "", "team-a", [](k8s::Json& spec) {
    spec["admins"]["users"] = {"alice", "bob"};
  });

  reconcile_ok("team-a");

  EXPECT_EQ(binding_subjects("team-a"), "alice,bob");
  const auto cached = role_bindings.get(std::string("team-a/") + kTenantAdminsRoleBindingName);
  ASSERT_TRUE(cached);
  EXPECT_EQ((*cached)["subjects"].size(), 2u);
}

TEST_F(TenantReconcilerTest, UnlabelledBindingIsReplacedByALabelledOne) {
  add_tenant("team-a", {{"namespaces", {"team-a"}}, {"admins", {{"users", {"alice"}}}}});
  reconcile_ok("team-a");
  auto unlabelled = cluster.object(kRoleBindings, "team-a", kTenantAdminsRoleBindingName);
  unlabelled["metadata"].erase("labels");
  ASSERT_TRUE(cluster.remove(kRoleBindings, "team-a", kTenantAdminsRoleBindingName).ok());
  cluster.put(kRoleBindings, unlabelled);  // as an operator without the label left it
  ASSERT_FALSE(role_bindings.get(std::string("team-a/") + kTenantAdminsRoleBindingName));

  reconcile_ok("team-a");

  const auto binding = cluster.object(kRoleBindings, "team-a", kTenantAdminsRoleBindingName);
  EXPECT_EQ(binding["metadata"]["labels"][kTenantLabel], "team-a");
  EXPECT_TRUE(role_bindings.get(std::string("team-a/") + kTenantAdminsRoleBindingName));
}

TEST_F(TenantReconcilerTest, NamespaceOfAnotherTenantIsNotTakenOver) {
  add_tenant("team-a", {{"namespaces", {"shared"}}});
  cluster.put(kNamespaces,
              {{"metadata", {{"name", "shared"}, {"labels", {{kTenantLabel, "team-b"}}}}}});

  auto result = reconciler.reconcile(kube::Request{"", "team-a"});

  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message().find("already belongs to tenant team-b"), std::string::npos);
  EXPECT_EQ(cluster.object(kNamespaces, "", "shared")["metadata"]["labels"][kTenantLabel],
            "team-b");
  const auto tenant = cluster.object(kTenants, "", "team-a");
  EXPECT_EQ(condition_field(tenant, "Ready", "status"), "False");
}

}  // namespace
}  // namespace hvo::controllers
