// Day-2 changes through the real operator and sim agents: a resize applied by a restart request,
// a rolling restart of an anti-affinity group with updateStrategy Automatic, a hand edit on the
// host set back, and a delete that gives a guest its shutdown timeout. Deadlines only bound
// failures; nothing asserts how fast.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "tests/controllers/e2e/e2e_support.h"

namespace hvo::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr int64_t kGiB = 1LL << 30;

void add_roomy_tenant(OperatorCluster& cluster) {
  cluster.apply(join_documents({tenant_yaml("t1"), quota_yaml("t1", "t1", {64, "256Gi", 100})}));
}

std::string wait_running(OperatorCluster& cluster, const std::string& name) {
  EXPECT_TRUE(eventually([&] { return vm_ready(cluster, "t1", name); }))
      << vm_status_text(cluster, "t1", name);
  const std::string uid = vm_uid(cluster, "t1", name);
  EXPECT_TRUE(eventually([&] { return agent_state(cluster, uid) == "Running"; }));
  return uid;
}

std::optional<json> agent_vm(OperatorCluster& cluster, const std::string& uid) {
  for (std::size_t i = 0; i < cluster.agent_count(); ++i) {
    if (auto vm = cluster.agent(i).vm(uid))
      return vm;
  }
  return std::nullopt;
}

bool has_event(OperatorCluster& cluster, const std::string& name, const std::string& reason,
               const std::string& mentions = "") {
  for (const auto& event : cluster.events("t1")) {
    if (event.value("regarding", json::object()).value("name", "") == name &&
        event.value("reason", "") == reason &&
        event.value("note", "").find(mentions) != std::string::npos)
      return true;
  }
  return false;
}

VmShape two_by_two(const std::string& name) {
  VmShape shape = vm_shape(name, "t1");
  shape.cpu = 2;
  shape.memory = "2Gi";
  return shape;
}

const json kFourByFour = {{"cpu", {{"count", 4}}}, {"memory", {{"startup", "4Gi"}}}};

bool has_four_by_four(const std::optional<json>& vm) {
  return vm && vm->value("cpuCount", 0) == 4 &&
         vm->value("memoryStartupBytes", int64_t{0}) == 4 * kGiB;
}

TEST(OperatorDay2E2E, ResizeOfARunningVmIsAppliedByRestartRequestedAt) {
  OperatorCluster cluster;
  add_roomy_tenant(cluster);
  cluster.apply(vm_yaml(two_by_two("vm-resize")));
  const std::string uid = wait_running(cluster, "vm-resize");

  cluster.merge_patch(kVms, "t1", "vm-resize", {{"spec", kFourByFour}});
  ASSERT_TRUE(eventually([&] {
    return condition_is(vm_object(cluster, "t1", "vm-resize"), "RestartRequired", "True");
  })) << vm_status_text(cluster, "t1", "vm-resize");
  const auto condition = find_condition(vm_object(cluster, "t1", "vm-resize"), "RestartRequired");
  ASSERT_TRUE(condition.has_value());
  const std::string message = condition->value("message", "");
  EXPECT_NE(message.find("cpu.count"), std::string::npos) << message;
  EXPECT_NE(message.find("memory.startupBytes"), std::string::npos) << message;
  // Nothing is applied behind the user's back with the default updateStrategy (Manual).
  EXPECT_EQ(agent_vm(cluster, uid)->value("cpuCount", 0), 2);
  EXPECT_EQ(agent_state(cluster, uid), "Running");

  const std::string requested = rfc3339_now();
  cluster.merge_patch(kVms, "t1", "vm-resize", {{"spec", {{"restartRequestedAt", requested}}}});
  EXPECT_TRUE(eventually([&] {
    const auto vm = agent_vm(cluster, uid);
    return has_four_by_four(vm) && vm->value("state", "") == "Running";
  })) << (agent_vm(cluster, uid) ? agent_vm(cluster, uid)->dump() : "gone");
  EXPECT_TRUE(eventually([&] {
    const auto vm = vm_object(cluster, "t1", "vm-resize");
    return condition_is(vm, "RestartRequired", "False") && condition_is(vm, "Ready", "True") &&
           status_string(vm, "lastRestartTime") == requested;
  })) << vm_status_text(cluster, "t1", "vm-resize");
  EXPECT_TRUE(agent_vm(cluster, uid)->value("restartRequiredFields", json::array()).empty());
  EXPECT_TRUE(has_event(cluster, "vm-resize", "Restarted"));
}

TEST(OperatorDay2E2E, AutomaticUpdateRestartsAGroupOfThreeOneAtATime) {
  OperatorCluster cluster;
  add_roomy_tenant(cluster);
  std::vector<std::string> names{"vm-g1", "vm-g2", "vm-g3"};
  std::vector<std::string> docs;
  for (const auto& name : names) {
    VmShape shape = two_by_two(name);
    shape.anti_affinity = "g";
    docs.push_back(vm_yaml(shape));
  }
  cluster.apply(join_documents(docs));
  std::vector<std::string> uids;
  for (const auto& name : names)
    uids.push_back(wait_running(cluster, name));

  for (const auto& name : names) {
    json spec = kFourByFour;
    spec["updateStrategy"] = {{"type", "Automatic"}};
    cluster.merge_patch(kVms, "t1", name, {{"spec", spec}});
  }
  int most_down = 0;
  const bool all_resized = eventually(
      [&] {
        int down = 0;
        int resized = 0;
        for (const auto& uid : uids) {
          const auto vm = agent_vm(cluster, uid);
          if (!vm || vm->value("state", "") != "Running")
            ++down;
          else if (has_four_by_four(vm))
            ++resized;
        }
        most_down = std::max(most_down, down);
        return resized == 3;
      },
      seconds(150));
  EXPECT_TRUE(all_resized) << cluster.operator_log().substr(0, 20000);
  EXPECT_LE(most_down, 1) << "two members of the group were down at once";
  for (const auto& name : names) {
    EXPECT_TRUE(eventually([&] {
      return condition_is(vm_object(cluster, "t1", name), "RestartRequired", "False");
    })) << vm_status_text(cluster, "t1", name);
    EXPECT_TRUE(has_event(cluster, name, "Restarting", "UpdateStrategyAutomatic")) << name;
  }
}

TEST(OperatorDay2E2E, AHandEditOnTheHostIsSetBack) {
  OperatorCluster cluster;
  add_roomy_tenant(cluster);
  cluster.apply(vm_yaml(two_by_two("vm-edit")));
  const std::string uid = wait_running(cluster, "vm-edit");
  const std::string host = cluster.host_of_uid(uid);
  ASSERT_FALSE(host.empty());

  // A VLAN changes live and comes back; a CPU count needs the VM off and becomes RestartRequired.
  cluster.agent(host).edit_vm(uid,
                              {{"nics", {{{"name", "lan"}, {"vlanId", 99}}}}, {"cpuCount", 3}});
  EXPECT_TRUE(eventually([&] {
    const auto vm = agent_vm(cluster, uid);
    return vm && !vm->value("configDrift", true) && !vm->value("nics", json::array()).empty() &&
           !(*vm)["nics"][0].contains("vlanId");
  })) << (agent_vm(cluster, uid) ? agent_vm(cluster, uid)->dump() : "gone");
  EXPECT_TRUE(eventually([&] { return has_event(cluster, "vm-edit", "DriftCorrected", "vlanId"); }))
      << json(cluster.events("t1")).dump();
  EXPECT_TRUE(eventually([&] {
    const auto condition = find_condition(vm_object(cluster, "t1", "vm-edit"), "RestartRequired");
    return condition && condition->value("status", "") == "True" &&
           condition->value("message", "").find("cpu.count") != std::string::npos;
  })) << vm_status_text(cluster, "t1", "vm-edit");
  EXPECT_EQ(agent_state(cluster, uid), "Running");  // not forced off
}

TEST(OperatorDay2E2E, DeleteGivesAGuestThatIgnoresShutdownItsTimeoutThenTurnsItOff) {
  OperatorCluster cluster;
  add_roomy_tenant(cluster);
  cluster.apply(vm_yaml(vm_shape("vm-stubborn", "t1")));
  const std::string uid = wait_running(cluster, "vm-stubborn");
  const std::string host = cluster.host_of_uid(uid);
  cluster.merge_patch(kVms, "t1", "vm-stubborn",
                      {{"spec", {{"shutdown", {{"mode", "Graceful"}, {"timeoutSeconds", 4}}}}}});
  cluster.agent(host).set_faults({{"ignoreShutdown", {uid}}});

  auto deleted = cluster.kubectl({"delete", kVms, "vm-stubborn", "-n", "t1", "--wait=false"});
  ASSERT_TRUE(deleted.ok()) << deleted.err;
  // The guest is asked first and keeps the VM stopping: the VM is not removed meanwhile.
  EXPECT_TRUE(eventually([&] { return agent_state(cluster, uid) == "Stopping"; }, seconds(30)))
      << agent_state(cluster, uid);
  EXPECT_TRUE(cluster.get(kVms, "t1", "vm-stubborn").has_value());
  // At the timeout the VM is turned off, then removed, and the object goes.
  EXPECT_TRUE(eventually([&] { return !cluster.get(kVms, "t1", "vm-stubborn").has_value(); }))
      << vm_status_text(cluster, "t1", "vm-stubborn");
  EXPECT_FALSE(cluster.agent(host).vm(uid).has_value());
  const std::string log = cluster.agent(host).log();
  EXPECT_NE(log.find("action=shutdown"), std::string::npos) << log;
}

TEST(OperatorDay2E2E, OrphanLeavesTheVmOnTheAgentUnmanagedAndFreesTheQuota) {
  OperatorCluster cluster;
  add_roomy_tenant(cluster);
  cluster.apply(vm_yaml(vm_shape("vm-keep", "t1")));
  const std::string uid = wait_running(cluster, "vm-keep");
  const std::string host = cluster.host_of_uid(uid);
  ASSERT_FALSE(host.empty());
  const int64_t unmanaged_before =
      cluster.agent(host).host().value("unmanagedVmCount", int64_t{-1});
  cluster.merge_patch(kVms, "t1", "vm-keep", {{"spec", {{"deletionPolicy", "Orphan"}}}});

  auto deleted = cluster.kubectl({"delete", kVms, "vm-keep", "-n", "t1", "--wait=false"});
  ASSERT_TRUE(deleted.ok()) << deleted.err;
  EXPECT_TRUE(eventually([&] { return !cluster.get(kVms, "t1", "vm-keep").has_value(); }))
      << vm_status_text(cluster, "t1", "vm-keep");
  // Not managed any more, but still on the host, running as it was.
  EXPECT_FALSE(cluster.agent(host).vm(uid).has_value());
  EXPECT_EQ(cluster.agent(host).host().value("unmanagedVmCount", int64_t{-1}),
            unmanaged_before + 1);
  EXPECT_EQ(cluster.agent(host).log().find("vm_removed vm=" + uid), std::string::npos);
  EXPECT_TRUE(eventually([&] {
    auto quota = cluster.get("quotas", "", "t1");
    return quota && quantity_value((*quota)["status"]["used"].value("vms", nlohmann::json())) == 0;
  })) << cluster.get("quotas", "", "t1")->dump();
}

}  // namespace
}  // namespace hvo::testing
