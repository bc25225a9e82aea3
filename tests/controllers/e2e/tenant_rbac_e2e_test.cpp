// Tenant isolation under the emulator's RBAC: the operator (running with exactly its chart's
// ClusterRole) binds each Tenant's admins to the chart's tenant-admin ClusterRole in the
// tenant's namespaces; a tenant admin then manages VMs there, is refused (403) another tenant's,
// and `kubectl auth can-i` answers the same, with its exit code.
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

}  // namespace
}  // namespace hvo::testing
