// Tenant isolation under the emulator's RBAC: the operator (running with exactly its chart's
// ClusterRole) binds each Tenant's admins to the chart's tenant-admin ClusterRole in the
// tenant's namespaces; a tenant admin then manages VMs there, is refused (403) another tenant's,
// and `kubectl auth can-i` answers the same, with its exit code. A tenant admin cannot raise
// its own Quota, bind itself to a stronger role, write ClusterRoles, read the operator's
// Secrets, or run a VM on a host its Tenant's hostSelector leaves out; a VM in a namespace no
// Tenant claims is refused (NoTenant) and never reaches an agent.
#include <gtest/gtest.h>

#include <string>

#include "tests/controllers/e2e/e2e_support.h"

namespace hvo::testing {
namespace {

using nlohmann::json;

// A Tenant whose admins are `user` (and `group` when given); the operator creates its namespace.
std::string tenant_with_admins(const std::string& name, const std::string& user,
                               const std::string& group) {
  std::string yaml =
      "apiVersion: hyperv.operator.io/v1alpha1\nkind: Tenant\nmetadata:\n  name: " + name +
      "\nspec:\n  namespaces: [" + name + "]\n  admins:\n    users: [" + user + "]\n";
  if (!group.empty())
    yaml += "    groups: [" + group + "]\n";
  return yaml;
}

bool tenant_binding_exists(OperatorCluster& cluster, const std::string& ns) {
  return cluster.kubectl({"get", "rolebinding", "hyperv-tenant-admins", "-n", ns}).ok();
}

KubectlResult kubectl_as(OperatorCluster& cluster, const std::string& user,
                         std::vector<std::string> args, const std::string& input = "") {
  args.insert(args.begin(), {"--token", cluster.plane().token_of(user)});
  return cluster.kubectl(args, input);
}

TEST(OperatorTenantRbacE2E, TenantAdminManagesVmsInItsNamespaceAndIsRefusedAnotherTenants) {
  OperatorClusterOptions options;
  options.hosts = 1;
  options.users = {{"alice", {}}, {"bob", {"team-b-admins"}}};
  OperatorCluster cluster(options);
  cluster.apply(join_documents({tenant_with_admins("team-a", "alice", ""),
                                quota_yaml("team-a", "team-a", {8, "16Gi", 5}),
                                tenant_with_admins("team-b", "carol", "team-b-admins"),
                                quota_yaml("team-b", "team-b", {8, "16Gi", 5})}));
  ASSERT_TRUE(eventually([&] { return tenant_binding_exists(cluster, "team-a"); }))
      << cluster.operator_log();
  ASSERT_TRUE(eventually([&] { return tenant_binding_exists(cluster, "team-b"); }))
      << cluster.operator_log();

  // alice, bound only in team-a, applies a VM there and the operator runs it.
  const auto applied =
      kubectl_as(cluster, "alice", {"apply", "-f", "-"}, vm_yaml(vm_shape("web-1", "team-a")));
  ASSERT_TRUE(applied.ok()) << applied.err;
  EXPECT_TRUE(eventually([&] { return vm_ready(cluster, "team-a", "web-1"); }))
      << vm_status_text(cluster, "team-a", "web-1");
  EXPECT_TRUE(kubectl_as(cluster, "alice", {"get", "virtualmachines", "-n", "team-a"}).ok());

  // bob (through his group) puts a VM into team-b; alice may not even list it.
  ASSERT_TRUE(
      kubectl_as(cluster, "bob", {"apply", "-f", "-"}, vm_yaml(vm_shape("db-1", "team-b"))).ok());
  const auto listed = kubectl_as(cluster, "alice", {"get", "virtualmachines", "-n", "team-b"});
  EXPECT_FALSE(listed.ok());
  EXPECT_NE(listed.err.find("Error from server (Forbidden): virtualmachines.hyperv.operator.io "
                            "is forbidden: User \"alice\" cannot list resource \"virtualmachines\" "
                            "in API group \"hyperv.operator.io\" in the namespace \"team-b\""),
            std::string::npos)
      << listed.err;

  // The same refusal over the REST API: kube-apiserver's Status body.
  auto client = cluster.plane().http_client();
  const auto response = client->send(cluster.plane().request_as(
      "alice", "GET", "/apis/hyperv.operator.io/v1alpha1/namespaces/team-b/virtualmachines/db-1"));
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ(response->status, 403);
  const json status = json::parse(response->body);
  EXPECT_EQ(status.value("reason", ""), "Forbidden");
  EXPECT_EQ(status.value("message", ""),
            "virtualmachines.hyperv.operator.io \"db-1\" is forbidden: User \"alice\" cannot get "
            "resource \"virtualmachines\" in API group \"hyperv.operator.io\" in the namespace "
            "\"team-b\"");
  EXPECT_EQ(status["details"],
            (json{{"name", "db-1"}, {"group", "hyperv.operator.io"}, {"kind", "virtualmachines"}}));

  // kubectl auth can-i agrees, exit code included; the chart's role grants no Tenant access.
  struct Case {
    std::string user;
    std::vector<std::string> question;
    bool allowed;
  };
  const Case cases[] = {
      {"alice", {"create", "virtualmachines.hyperv.operator.io", "-n", "team-a"}, true},
      {"alice", {"delete", "virtualmachines.hyperv.operator.io/web-1", "-n", "team-a"}, true},
      {"alice",
       {"update", "virtualmachines.hyperv.operator.io", "--subresource=status", "-n", "team-a"},
       false},
      {"alice", {"list", "virtualmachines.hyperv.operator.io", "-n", "team-b"}, false},
      {"alice", {"get", "tenants.hyperv.operator.io/team-a"}, false},
      {"bob", {"list", "virtualmachines.hyperv.operator.io", "-n", "team-b"}, true},
      {"bob", {"create", "secrets", "-n", "team-b"}, true},
      {"bob", {"create", "secrets", "-n", "team-a"}, false},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"auth", "can-i"};
    args.insert(args.end(), c.question.begin(), c.question.end());
    const auto answer = kubectl_as(cluster, c.user, args);
    std::string asked = c.user;
    for (const auto& word : c.question)
      asked += " " + word;
    EXPECT_EQ(answer.exit_code, c.allowed ? 0 : 1) << asked << ": " << answer.out << answer.err;
    EXPECT_EQ(answer.out, c.allowed ? "yes\n" : "no\n") << asked << ": " << answer.err;
  }
}

// The Ready (or another) condition's field of a VM as stored, "" when absent.
std::string vm_condition(OperatorCluster& cluster, const std::string& ns, const std::string& name,
                         const std::string& type, const std::string& field) {
  const json vm = vm_object(cluster, ns, name);
  for (const auto& condition :
       vm.value("status", json::object()).value("conditions", json::array())) {
    if (condition.value("type", "") == type)
      return condition.value(field, "");
  }
  return "";
}

TEST(OperatorTenantRbacE2E, TenantAdminCannotRaiseItsQuotaEscalateOrLeaveItsHosts) {
  OperatorClusterOptions options;
  options.hosts = 2;
  options.users = {{"alice", {}}};
  OperatorCluster cluster(options);
  ASSERT_TRUE(cluster.kubectl({"label", "hypervhost", "hv-01", "zone=a"}).ok());
  cluster.apply(join_documents(
      {tenant_with_admins("team-a", "alice", "") + "  hostSelector:\n    matchLabels: {zone: a}\n",
       quota_yaml("team-a", "team-a", {8, "16Gi", 5})}));
  ASSERT_TRUE(eventually([&] { return tenant_binding_exists(cluster, "team-a"); }))
      << cluster.operator_log();

  struct Refusal {
    std::vector<std::string> args;
    std::string error;  // what kubectl prints from the server's 403
  };
  const Refusal refusals[] = {
      // kubectl patch reads the object first: refused already there.
      {{"patch", "quota.hyperv.operator.io", "team-a", "--type", "merge", "-p",
        R"({"spec":{"hard":{"vcpus":999}}})"},
       "quotas.hyperv.operator.io \"team-a\" is forbidden: User \"alice\" cannot get resource "
       "\"quotas\" in API group \"hyperv.operator.io\" at the cluster scope"},
      {{"create", "rolebinding", "alice-admin", "--clusterrole=cluster-admin", "--user=alice", "-n",
        "team-a"},
       "rolebindings.rbac.authorization.k8s.io is forbidden: User \"alice\" cannot create "
       "resource \"rolebindings\" in API group \"rbac.authorization.k8s.io\" in the namespace "
       "\"team-a\""},
      {{"create", "clusterrole", "alice-all", "--verb=*", "--resource=*"},
       "clusterroles.rbac.authorization.k8s.io is forbidden: User \"alice\" cannot create "
       "resource \"clusterroles\" in API group \"rbac.authorization.k8s.io\" at the cluster "
       "scope"},
      {{"get", "secrets", "-n", "hyperv-system"},
       "secrets is forbidden: User \"alice\" cannot list resource \"secrets\" in API group \"\" "
       "in the namespace \"hyperv-system\""},
      {{"label", "hypervhost", "hv-02", "zone=a"},
       "hypervhosts.hyperv.operator.io \"hv-02\" is forbidden: User \"alice\" cannot"},
      {{"get", "tenants.hyperv.operator.io"},
       "tenants.hyperv.operator.io is forbidden: User \"alice\" cannot list resource \"tenants\""},
  };
  for (const auto& refusal : refusals) {
    const auto answer = kubectl_as(cluster, "alice", refusal.args);
    std::string asked;
    for (const auto& word : refusal.args)
      asked += " " + word;
    EXPECT_FALSE(answer.ok()) << asked << ": " << answer.out;
    EXPECT_NE(answer.err.find(refusal.error), std::string::npos) << asked << ": " << answer.err;
  }
  // The patch itself, sent without reading first, is refused too.
  auto client = cluster.plane().http_client();
  const auto patched = client->send(cluster.plane().request_as(
      "alice", "PATCH", "/apis/hyperv.operator.io/v1alpha1/quotas/team-a",
      R"({"spec":{"hard":{"vcpus":999}}})"));
  ASSERT_TRUE(patched.ok()) << patched.error().message();
  EXPECT_EQ(patched->status, 403);
  EXPECT_EQ(json::parse(patched->body).value("message", ""),
            "quotas.hyperv.operator.io \"team-a\" is forbidden: User \"alice\" cannot patch "
            "resource \"quotas\" in API group \"hyperv.operator.io\" at the cluster scope");
  // Nothing changed behind the refusals.
  const auto quota = cluster.get("quotas", "", "team-a");
  ASSERT_TRUE(quota);
  EXPECT_EQ((*quota)["spec"]["hard"]["vcpus"], 8);

  // A VM pinned to hv-02, which the Tenant's hostSelector leaves out: the operator refuses to
  // place it, says why, and no agent gets it.
  VmShape pinned = vm_shape("pinned", "team-a");
  pinned.pinned_host = "hv-02";
  ASSERT_TRUE(kubectl_as(cluster, "alice", {"apply", "-f", "-"}, vm_yaml(pinned)).ok());
  EXPECT_TRUE(eventually([&] {
    return vm_condition(cluster, "team-a", "pinned", "Ready", "reason") == "Unschedulable";
  })) << vm_status_text(cluster, "team-a", "pinned");
  EXPECT_NE(vm_condition(cluster, "team-a", "pinned", "Scheduled", "message")
                .find("not allowed by the tenant's hostSelector"),
            std::string::npos)
      << vm_status_text(cluster, "team-a", "pinned");
  EXPECT_EQ(agent_state(cluster, vm_uid(cluster, "team-a", "pinned")), "");

  // Unpinned, it runs on hv-01, the one host its Tenant may use.
  ASSERT_TRUE(
      kubectl_as(cluster, "alice", {"apply", "-f", "-"}, vm_yaml(vm_shape("free", "team-a"))).ok());
  EXPECT_TRUE(eventually([&] { return vm_ready(cluster, "team-a", "free"); }))
      << vm_status_text(cluster, "team-a", "free");
  EXPECT_EQ(status_string(vm_object(cluster, "team-a", "free"), "host"), "hv-01");
}

TEST(OperatorTenantRbacE2E, VmInANamespaceNoTenantClaimsIsRefusedAndReachesNoAgent) {
  OperatorClusterOptions options;
  options.hosts = 1;
  OperatorCluster cluster(options);
  cluster.apply("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: scratch\n");
  cluster.apply(vm_yaml(vm_shape("stray", "scratch")));

  EXPECT_TRUE(eventually([&] {
    return vm_condition(cluster, "scratch", "stray", "Ready", "reason") == "NoTenant";
  })) << vm_status_text(cluster, "scratch", "stray");
  EXPECT_NE(vm_condition(cluster, "scratch", "stray", "Ready", "message")
                .find("Namespace scratch belongs to no Tenant"),
            std::string::npos);
  const json vm = vm_object(cluster, "scratch", "stray");
  EXPECT_FALSE(vm["status"].contains("allocated")) << vm.dump();
  EXPECT_EQ(status_string(vm, "host"), "");
  EXPECT_EQ(agent_state(cluster, vm_uid(cluster, "scratch", "stray")), "");

  // A Tenant that claims the namespace lets the same VM run.
  cluster.apply(
      join_documents({"apiVersion: hyperv.operator.io/v1alpha1\nkind: Tenant\n"
                      "metadata:\n  name: scratch\nspec:\n  namespaces: [scratch]\n",
                      quota_yaml("scratch", "scratch", {8, "16Gi", 5})}));
  EXPECT_TRUE(eventually([&] { return vm_ready(cluster, "scratch", "stray"); }))
      << vm_status_text(cluster, "scratch", "stray");
}

}  // namespace
}  // namespace hvo::testing
