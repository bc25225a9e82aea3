// A VirtualMachine's life through the real operator and sim agents: the examples become Ready,
// run strategies and restart requests reach the agent, spec changes that need a restart are
// reported, deletion cleans up the agent and the quota, drift is corrected, and invalid specs
// stop before any agent. Every test starts its own cluster; deadlines only bound failures.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/controllers/e2e/e2e_support.h"

namespace hvo::testing {
namespace {

using std::chrono::seconds;

// A tenant `t1` (namespace t1) with a roomy quota, for tests about something else.
void add_roomy_tenant(OperatorCluster& cluster) {
  cluster.apply(join_documents({tenant_yaml("t1"), quota_yaml("t1", "t1", {64, "256Gi", 100})}));
}

// Waits for the VM to be Ready and returns its uid (failing the test when it does not).
std::string wait_ready(OperatorCluster& cluster, const std::string& ns, const std::string& name) {
  EXPECT_TRUE(eventually([&] { return vm_ready(cluster, ns, name); }))
      << vm_status_text(cluster, ns, name);
  return vm_uid(cluster, ns, name);
}

std::string example(const std::string& file) {
  return std::string(HVO_SOURCE_DIR) + "/examples/" + file;
}

TEST(OperatorLifecycleE2E, ExamplesReachReady) {
  OperatorCluster cluster;
  // 10-hosts.yaml describes real hosts at hv-0N.example.net with placeholder credentials; the
  // cluster registered simulated hosts of the same names and labels instead (as `make demo`).
  auto applied = cluster.kubectl(
      {"apply", "-f", example("00-namespaces.yaml"), "-f", example("20-tenant-team-a.yaml"), "-f",
       example("30-vm-minimal.yaml"), "-f", example("31-vm-cloud-init-vlan.yaml"), "-f",
       example("32-vm-userdata-secret.yaml")});
  ASSERT_TRUE(applied.ok()) << applied.err;

  for (const auto& kind : {"hypervhosts", "tenants", "quotas"}) {
    auto waited =
        cluster.kubectl({"wait", "--for=condition=Ready", kind, "--all", "--timeout=120s"});
    EXPECT_TRUE(waited.ok()) << kind << ": " << waited.err << waited.out;
  }
  auto vms = cluster.kubectl(
      {"wait", "--for=condition=Ready", kVms, "--all", "-n", "team-a", "--timeout=120s"});
  ASSERT_TRUE(vms.ok()) << vms.err << "\n"
                        << vm_status_text(cluster, "team-a", "minimal") << "\n"
                        << vm_status_text(cluster, "team-a", "web-1") << "\n"
                        << vm_status_text(cluster, "team-a", "web-2");

  // web-2 is pinned to hv-02 and Halted; web-1 wants an SSD host away from web-2, running.
  const auto web2 = vm_object(cluster, "team-a", "web-2");
  EXPECT_EQ(status_string(web2, "host"), "hv-02");
  EXPECT_EQ(agent_state(cluster, vm_uid(cluster, "team-a", "web-2")), "Off");
  const auto web1 = vm_object(cluster, "team-a", "web-1");
  const std::string web1_host = status_string(web1, "host");
  EXPECT_TRUE(web1_host == "hv-01" || web1_host == "hv-03") << web1_host;
  EXPECT_EQ(cluster.host_of_uid(vm_uid(cluster, "team-a", "web-1")), web1_host);
  EXPECT_TRUE(eventually(
      [&] { return agent_state(cluster, vm_uid(cluster, "team-a", "web-1")) == "Running"; }));
  // Exactly the three examples are on the agents.
  EXPECT_EQ(cluster.all_agent_uids().size(), 3u);
}

TEST(OperatorLifecycleE2E, HaltedStopsTheVmAndAlwaysStartsItAgain) {
  OperatorCluster cluster;
  add_roomy_tenant(cluster);
  cluster.apply(vm_yaml(vm_shape("vm-a", "t1")));
  const std::string uid = wait_ready(cluster, "t1", "vm-a");
  ASSERT_FALSE(uid.empty());
  ASSERT_TRUE(eventually([&] { return agent_state(cluster, uid) == "Running"; }))
      << agent_state(cluster, uid);

  cluster.merge_patch(kVms, "t1", "vm-a", {{"spec", {{"runStrategy", "Halted"}}}});
  EXPECT_TRUE(eventually([&] { return agent_state(cluster, uid) == "Off"; }))
      << "agent state " << agent_state(cluster, uid);
  EXPECT_TRUE(eventually([&] {
    const auto vm = vm_object(cluster, "t1", "vm-a");
    return status_string(vm, "powerState") == "Off" && condition_is(vm, "Ready", "True");
  })) << vm_status_text(cluster, "t1", "vm-a");

  cluster.merge_patch(kVms, "t1", "vm-a", {{"spec", {{"runStrategy", "Always"}}}});
  EXPECT_TRUE(eventually([&] { return agent_state(cluster, uid) == "Running"; }))
      << "agent state " << agent_state(cluster, uid);
  EXPECT_TRUE(eventually([&] {
    const auto vm = vm_object(cluster, "t1", "vm-a");
    return status_string(vm, "powerState") == "Running" && condition_is(vm, "Ready", "True");
  })) << vm_status_text(cluster, "t1", "vm-a");
  // Still the same VM on the host: stopping and starting never recreates it.
  EXPECT_EQ(cluster.all_agent_uids(), std::vector<std::string>{uid});
}

TEST(OperatorLifecycleE2E, RestartRequestedAtRestartsTheVmOnTheAgent) {
  OperatorCluster cluster;
  add_roomy_tenant(cluster);
  cluster.apply(vm_yaml(vm_shape("vm-r", "t1")));
  const std::string uid = wait_ready(cluster, "t1", "vm-r");
  ASSERT_TRUE(eventually([&] { return agent_state(cluster, uid) == "Running"; }));
  const std::string host = cluster.host_of_uid(uid);
  ASSERT_FALSE(host.empty());
  // A restart is a graceful shutdown, an ensure while off and a start (restart_sequence.h).
  const std::string restart_line = "vm_power vm=" + uid + " action=shutdown";
  ASSERT_EQ(cluster.agent(host).log().find(restart_line), std::string::npos);

  const std::string requested = rfc3339_now();
  cluster.merge_patch(kVms, "t1", "vm-r", {{"spec", {{"restartRequestedAt", requested}}}});

  EXPECT_TRUE(eventually([&] {
    return cluster.agent(host).log().find(restart_line) != std::string::npos;
  })) << "the agent saw no restart; its log:\n"
      << cluster.agent(host).log();
  EXPECT_TRUE(eventually([&] {
    return status_string(vm_object(cluster, "t1", "vm-r"), "lastRestartTime") == requested;
  })) << vm_status_text(cluster, "t1", "vm-r");
  EXPECT_TRUE(eventually([&] {
    return agent_state(cluster, uid) == "Running" && vm_ready(cluster, "t1", "vm-r");
  })) << vm_status_text(cluster, "t1", "vm-r");
  // One request, one restart: later reconciles do not restart it again.
  const std::string log = cluster.agent(host).log();
  const auto first = log.find(restart_line);
  EXPECT_EQ(log.find(restart_line, first + 1), std::string::npos) << log;
}

TEST(OperatorLifecycleE2E, CpuChangeOnARunningVmReportsRestartRequired) {
  OperatorCluster cluster;
  add_roomy_tenant(cluster);
  cluster.apply(vm_yaml(vm_shape("vm-c", "t1")));
  const std::string uid = wait_ready(cluster, "t1", "vm-c");
  ASSERT_TRUE(eventually([&] { return agent_state(cluster, uid) == "Running"; }));
  EXPECT_FALSE(condition_is(vm_object(cluster, "t1", "vm-c"), "RestartRequired", "True"));

  cluster.merge_patch(kVms, "t1", "vm-c", {{"spec", {{"cpu", {{"count", 2}}}}}});
  EXPECT_TRUE(eventually([&] {
    return condition_is(vm_object(cluster, "t1", "vm-c"), "RestartRequired", "True");
  })) << vm_status_text(cluster, "t1", "vm-c");
  const auto condition = find_condition(vm_object(cluster, "t1", "vm-c"), "RestartRequired");
  ASSERT_TRUE(condition.has_value());
  EXPECT_NE(condition->value("message", "").find("cpu"), std::string::npos) << condition->dump();
  // The VM keeps running with its old CPU count until someone restarts it.
  EXPECT_EQ(agent_state(cluster, uid), "Running");
}

TEST(OperatorLifecycleE2E, DeleteRemovesTheVmFromTheAgentAndFreesQuota) {
  OperatorCluster cluster;
  add_roomy_tenant(cluster);
  VmShape big = vm_shape("vm-big", "t1");
  big.cpu = 4;
  big.memory = "4Gi";
  cluster.apply(join_documents({vm_yaml(big), vm_yaml(vm_shape("vm-small", "t1"))}));
  const std::string big_uid = wait_ready(cluster, "t1", "vm-big");
  wait_ready(cluster, "t1", "vm-small");
  const auto used = [&](const std::string& resource) {
    auto quota = cluster.get("quotas", "", "t1");
    if (!quota || !quota->contains("status") || !(*quota)["status"].contains("used"))
      return int64_t{-1};
    return quantity_value((*quota)["status"]["used"].value(resource, nlohmann::json()));
  };
  ASSERT_TRUE(eventually([&] { return used("vms") == 2; }))
      << cluster.get("quotas", "", "t1")->dump();
  EXPECT_EQ(used("vcpus"), 5);
  EXPECT_EQ(used("memory"), (4LL << 30) + (512LL << 20));
  ASSERT_FALSE(cluster.host_of_uid(big_uid).empty());

  auto deleted = cluster.kubectl({"delete", kVms, "vm-big", "-n", "t1", "--wait=false"});
  ASSERT_TRUE(deleted.ok()) << deleted.err;
  EXPECT_TRUE(eventually([&] { return !cluster.get(kVms, "t1", "vm-big").has_value(); }))
      << vm_status_text(cluster, "t1", "vm-big");
  EXPECT_EQ(cluster.host_of_uid(big_uid), "");
  EXPECT_TRUE(eventually([&] { return used("vms") == 1 && used("vcpus") == 1; }))
      << cluster.get("quotas", "", "t1")->dump();
  EXPECT_EQ(used("memory"), 512LL << 20);
}

TEST(OperatorLifecycleE2E, AVmDeletedByHandOnTheAgentIsRecreated) {
  OperatorCluster cluster;
  add_roomy_tenant(cluster);
  cluster.apply(vm_yaml(vm_shape("vm-d", "t1")));
  const std::string uid = wait_ready(cluster, "t1", "vm-d");
  const std::string host = cluster.host_of_uid(uid);
  ASSERT_FALSE(host.empty());
  const auto before = cluster.agent(host).vm(uid);
  ASSERT_TRUE(before.has_value());

  cluster.agent(host).delete_vm(uid);
  ASSERT_FALSE(cluster.agent(host).vm(uid).has_value());

  EXPECT_TRUE(eventually([&] {
    const auto again = cluster.agent(host).vm(uid);
    return again && again->value("vmId", "") != before->value("vmId", "") &&
           again->value("state", "") == "Running";
  })) << vm_status_text(cluster, "t1", "vm-d");
  EXPECT_TRUE(eventually([&] {
    const auto vm = vm_object(cluster, "t1", "vm-d");
    return condition_is(vm, "Ready", "True") &&
           status_string(vm, "vmId") == cluster.agent(host).vm(uid)->value("vmId", "");
  })) << vm_status_text(cluster, "t1", "vm-d");
  EXPECT_EQ(cluster.all_agent_uids(), std::vector<std::string>{uid});
}

TEST(OperatorLifecycleE2E, AnInvalidVmGetsInvalidSpecAndNeverReachesAnAgent) {
  OperatorCluster cluster;
  cluster.apply(join_documents(
      {tenant_yaml("t1", {"external"}), quota_yaml("t1", "t1", {64, "256Gi", 100})}));
  VmShape wrong_switch = vm_shape("vm-bad-switch", "t1");
  wrong_switch.switch_name = "internal";  // exists on the hosts, but the tenant may not use it
  // What the CRD's CEL rules can say is refused at apply time: memory off Hyper-V's 2Mi pages,
  // a disk beyond the VHDX limit...
  VmShape odd_memory = vm_shape("vm-odd-memory", "t1");
  odd_memory.memory = "1001Mi";
  const std::vector<std::pair<std::string, std::string>> refused_at_apply = {
      {vm_yaml(odd_memory),
       "spec.memory.startup: Invalid value: \"object\": startup must be a multiple of 2Mi"},
      {vm_yaml(vm_shape("vm-huge-disk", "t1")) + "  disks:\n  - {name: data, size: 65Ti}\n",
       "spec.disks[0].size: Invalid value: \"object\": size must not exceed 64Ti"},
  };
  for (const auto& [manifest, error] : refused_at_apply) {
    const auto refused = cluster.kubectl({"apply", "-f", "-"}, manifest);
    EXPECT_FALSE(refused.ok());
    EXPECT_NE(refused.err.find(error), std::string::npos) << refused.err;
  }
  // ...what it cannot (a Windows device name as the VM's name) only by the operator.
  cluster.apply(join_documents({vm_yaml(wrong_switch), vm_yaml(vm_shape("con", "t1"))}));

  for (const auto& name : {"vm-bad-switch", "con"}) {
    EXPECT_TRUE(eventually([&] {
      const auto ready = find_condition(vm_object(cluster, "t1", name), "Ready");
      return ready && ready->value("status", "") == "False" &&
             ready->value("reason", "") == "InvalidSpec";
    })) << vm_status_text(cluster, "t1", name);
  }
  const auto switch_message =
      find_condition(vm_object(cluster, "t1", "vm-bad-switch"), "Ready").value_or(nlohmann::json{});
  EXPECT_NE(switch_message.value("message", "").find("internal"), std::string::npos)
      << switch_message.dump();
  const auto disk_message =
      find_condition(vm_object(cluster, "t1", "con"), "Ready").value_or(nlohmann::json{});
  EXPECT_NE(disk_message.value("message", "").find("metadata.name"), std::string::npos)
      << disk_message.dump();

  // Each invalid VM got a Warning Event saying so.
  for (const auto& name : {"vm-bad-switch", "con"}) {
    EXPECT_TRUE(eventually(
        [&] {
          for (const auto& event : cluster.events("t1")) {
            if (event.value("regarding", nlohmann::json::object()).value("name", "") == name &&
                event.value("reason", "") == "InvalidSpec" && event.value("type", "") == "Warning")
              return true;
          }
          return false;
        },
        seconds(30)))
        << name << " has no InvalidSpec Warning Event; events in t1: "
        << nlohmann::json(cluster.events("t1")).dump();
  }

  // A valid VM applied afterwards gets through, so the operator has had every chance to act on
  // the invalid ones by the time it is Ready.
  cluster.apply(vm_yaml(vm_shape("vm-good", "t1")));
  const std::string good_uid = wait_ready(cluster, "t1", "vm-good");
  EXPECT_EQ(cluster.all_agent_uids(), std::vector<std::string>{good_uid});
  for (const auto& name : {"vm-bad-switch", "con"}) {
    const std::string uid = vm_uid(cluster, "t1", name);
    ASSERT_FALSE(uid.empty());
    for (std::size_t i = 0; i < cluster.agent_count(); ++i) {
      EXPECT_EQ(cluster.agent(i).log().find(uid), std::string::npos)
          << name << " reached " << cluster.agent(i).name();
    }
    EXPECT_EQ(status_string(vm_object(cluster, "t1", name), "host"), "") << name;
  }
}

}  // namespace
}  // namespace hvo::testing
