// Live migration through the real operator and three sim hosts sharing a migration fabric: a
// running VM moves to another host with the same vmId, the source no longer holds it, the quota
// charge is unchanged, and the migration reads Succeeded; a move that fails halfway leaves the
// VM where it was; a VM of an anti-affinity group never lands next to another member.
#include <gtest/gtest.h>

#include <string>

#include "tests/controllers/e2e/e2e_support.h"

namespace hvo::testing {
namespace {

const char* const kMigrations = "virtualmachinemigrations";

OperatorClusterOptions fabric_options() {
  OperatorClusterOptions options;
  options.sim_fabric = true;
  options.migrate_ms = 1500;  // long enough for the operator to see the move under way
  return options;
}

std::string migration_yaml(const std::string& name, const std::string& ns, const std::string& vm,
                           const std::string& target = "") {
  std::string yaml =
      "apiVersion: hyperv.operator.io/v1alpha1\nkind: VirtualMachineMigration\n"
      "metadata: {name: " +
      name + ", namespace: " + ns + "}\nspec:\n  vmName: " + vm + "\n";
  if (!target.empty())
    yaml += "  targetHost: " + target + "\n";
  return yaml;
}

nlohmann::json migration(OperatorCluster& cluster, const std::string& ns, const std::string& name) {
  auto object = cluster.get(kMigrations, ns, name);
  return object ? *object : nlohmann::json::object();
}

std::string quota_used(OperatorCluster& cluster, const std::string& name) {
  auto quota = cluster.get("quotas", "", name);
  if (!quota)
    return "";
  return quota->value("status", nlohmann::json::object())
      .value("used", nlohmann::json::object())
      .dump();
}

TEST(OperatorMigrationE2E, RunningVmMovesWithItsIdAndQuotaUnchanged) {
  OperatorCluster cluster(fabric_options());
  cluster.apply(join_documents({tenant_yaml("t1"), quota_yaml("q1", "t1", {16, "64Gi", 10}),
                                vm_yaml(vm_shape("web-1", "t1"))}));
  ASSERT_TRUE(eventually([&] { return vm_ready(cluster, "t1", "web-1"); }))
      << vm_status_text(cluster, "t1", "web-1");
  const std::string uid = vm_uid(cluster, "t1", "web-1");
  const nlohmann::json before = vm_object(cluster, "t1", "web-1");
  const std::string source = status_string(before, "host");
  const std::string vm_id = status_string(before, "vmId");
  ASSERT_FALSE(vm_id.empty());
  // The quota counts the VM (Quota.status.used is written a moment after the VM is Ready).
  ASSERT_TRUE(eventually([&] {
    return quota_used(cluster, "q1").find("\"vms\":1") != std::string::npos;
  })) << quota_used(cluster, "q1");
  const std::string used_before = quota_used(cluster, "q1");

  cluster.apply(migration_yaml("move-1", "t1", "web-1"));
  // The VM reads Migrating while the sim copies.
  EXPECT_TRUE(eventually(
      [&] { return status_string(vm_object(cluster, "t1", "web-1"), "phase") == "Migrating"; },
      std::chrono::seconds(30)))
      << vm_status_text(cluster, "t1", "web-1");
  ASSERT_TRUE(eventually([&] {
    return status_string(migration(cluster, "t1", "move-1"), "phase") == "Succeeded";
  })) << migration(cluster, "t1", "move-1").dump();

  const nlohmann::json moved = migration(cluster, "t1", "move-1");
  const std::string target = status_string(moved, "targetHost");
  EXPECT_EQ(status_string(moved, "sourceHost"), source);
  EXPECT_NE(target, source);
  EXPECT_FALSE(target.empty());
  EXPECT_EQ(moved["status"].value("progressPercent", 0), 100);
  EXPECT_TRUE(moved["status"].contains("startTime"));
  EXPECT_TRUE(moved["status"].contains("endTime"));
  EXPECT_TRUE(condition_is(moved, "Ready", "True")) << moved.dump();

  // The target agent owns the VM with the same id; the source has it no more.
  EXPECT_EQ(cluster.host_of_uid(uid), target);
  const auto on_target = cluster.agent(target).vm(uid);
  ASSERT_TRUE(on_target.has_value());
  EXPECT_EQ(on_target->value("vmId", ""), vm_id);
  EXPECT_EQ(on_target->value("state", ""), "Running");
  EXPECT_FALSE(cluster.agent(source).vm(uid).has_value());
  int copies = 0;
  for (const auto& held : cluster.all_agent_uids())
    copies += held == uid ? 1 : 0;
  EXPECT_EQ(copies, 1);

  // The VM follows its new host and the quota counts it once, as before.
  EXPECT_TRUE(eventually([&] {
    const auto vm = vm_object(cluster, "t1", "web-1");
    return status_string(vm, "host") == target && status_string(vm, "phase") == "Running" &&
           vm_ready(cluster, "t1", "web-1");
  })) << vm_status_text(cluster, "t1", "web-1");
  EXPECT_EQ(status_string(vm_object(cluster, "t1", "web-1"), "vmId"), vm_id);
  // Counted once during the move and after it: the same numbers as before.
  EXPECT_EQ(quota_used(cluster, "q1"), used_before);
  EXPECT_NE(used_before.find("\"vcpus\":1"), std::string::npos) << used_before;
}

TEST(OperatorMigrationE2E, MoveThatFailsHalfwayLeavesTheVmOnItsHost) {
  OperatorCluster cluster(fabric_options());
  cluster.apply(join_documents({tenant_yaml("t1"), quota_yaml("q1", "t1", {16, "64Gi", 10}),
                                vm_yaml(vm_shape("web-1", "t1"))}));
  ASSERT_TRUE(eventually([&] { return vm_ready(cluster, "t1", "web-1"); }));
  const std::string uid = vm_uid(cluster, "t1", "web-1");
  const std::string source = status_string(vm_object(cluster, "t1", "web-1"), "host");
  cluster.agent(source).set_faults({{"failMigration", {uid}}});

  cluster.apply(migration_yaml("move-1", "t1", "web-1"));
  ASSERT_TRUE(eventually([&] {
    return status_string(migration(cluster, "t1", "move-1"), "phase") == "Failed";
  })) << migration(cluster, "t1", "move-1").dump();
  const auto failed = migration(cluster, "t1", "move-1");
  const auto ready = find_condition(failed, "Ready");
  ASSERT_TRUE(ready.has_value());
  EXPECT_EQ(ready->value("reason", ""), "MigrationFailed");
  EXPECT_NE(ready->value("message", "").find("halfway"), std::string::npos) << ready->dump();
  EXPECT_EQ(cluster.host_of_uid(uid), source);
  EXPECT_TRUE(eventually([&] {
    const auto vm = vm_object(cluster, "t1", "web-1");
    return status_string(vm, "host") == source && status_string(vm, "phase") == "Running";
  })) << vm_status_text(cluster, "t1", "web-1");
}

TEST(OperatorMigrationE2E, TargetMustKeepTheAntiAffinityGroupApart) {
  OperatorCluster cluster(fabric_options());
  cluster.apply(join_documents({tenant_yaml("t1"), quota_yaml("q1", "t1", {16, "64Gi", 10})}));
  VmShape a = vm_shape("db-1", "t1");
  a.anti_affinity = "db";
  a.strategy = "Spread";
  VmShape b = vm_shape("db-2", "t1");
  b.anti_affinity = "db";
  b.strategy = "Spread";
  cluster.apply(join_documents({vm_yaml(a), vm_yaml(b)}));
  ASSERT_TRUE(eventually(
      [&] { return vm_ready(cluster, "t1", "db-1") && vm_ready(cluster, "t1", "db-2"); }));
  const std::string host_2 = status_string(vm_object(cluster, "t1", "db-2"), "host");

  // Asked onto db-2's host: refused, explained, nothing moves.
  cluster.apply(migration_yaml("onto-peer", "t1", "db-1", host_2));
  ASSERT_TRUE(eventually([&] {
    const auto scheduled = find_condition(migration(cluster, "t1", "onto-peer"), "Scheduled");
    return scheduled && scheduled->value("status", "") == "False";
  })) << migration(cluster, "t1", "onto-peer").dump();
  const auto scheduled = find_condition(migration(cluster, "t1", "onto-peer"), "Scheduled");
  EXPECT_NE(scheduled->value("message", "").find("anti-affinity"), std::string::npos)
      << scheduled->dump();
  EXPECT_NE(status_string(vm_object(cluster, "t1", "db-1"), "host"), host_2);

  // Left to the scheduler: it picks the third host.
  cluster.apply(migration_yaml("free", "t1", "db-1"));
  ASSERT_TRUE(eventually([&] {
    return status_string(migration(cluster, "t1", "free"), "phase") == "Succeeded";
  })) << migration(cluster, "t1", "free").dump();
  const std::string target = status_string(migration(cluster, "t1", "free"), "targetHost");
  EXPECT_NE(target, host_2);
  EXPECT_EQ(cluster.host_of_uid(vm_uid(cluster, "t1", "db-1")), target);
}

}  // namespace
}  // namespace hvo::testing
