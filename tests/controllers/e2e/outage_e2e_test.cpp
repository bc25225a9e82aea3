// Outages are visible and prompt (issue 17, item 6), through the real operator and sim agents:
// while an agent is down, its host turns Reachable=False before its heartbeat times out (Ready
// stays True here: the heartbeat timeout is long), and that alone makes the host's settled VMs
// report HostReachable=False. A VM deleted meanwhile says why it stays (Ready=False
// HostUnreachable naming the host, a Warning Event); once the agent answers again the VM is
// removed from the agent, the object goes and the quota is freed, and the VM that stayed is
// Ready again. The same holds for a delete with deletionPolicy Orphan and one that shuts the guest
// down first. Deadlines only bound failures.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/controllers/e2e/e2e_support.h"

namespace hvo::testing {
namespace {

using std::chrono::seconds;

bool host_condition(OperatorCluster& cluster, const std::string& host, const std::string& type,
                    const std::string& status) {
  auto object = cluster.get("hypervhosts", "", host);
  return object && condition_is(*object, type, status);
}

std::string ready_field(const nlohmann::json& vm, const char* field) {
  return find_condition(vm, "Ready").value_or(nlohmann::json::object()).value(field, "");
}

int64_t quota_used(OperatorCluster& cluster, const std::string& resource) {
  auto quota = cluster.get("quotas", "", "t1");
  if (!quota || !quota->contains("status") || !(*quota)["status"].contains("used"))
    return -1;
  return quantity_value((*quota)["status"]["used"].value(resource, nlohmann::json()));
}

bool has_warning(OperatorCluster& cluster, const std::string& vm, const std::string& reason,
                 const std::string& naming) {
  for (const auto& event : cluster.events("t1")) {
    if (event.value("regarding", nlohmann::json::object()).value("name", "") == vm &&
        event.value("type", "") == "Warning" && event.value("reason", "") == reason &&
        event.value("note", "").find(naming) != std::string::npos)
      return true;
  }
  return false;
}

TEST(OperatorOutageE2E, ADeleteWhileTheAgentIsDownSaysHostUnreachableAndCompletesWhenItAnswers) {
  OperatorClusterOptions options;
  options.host_heartbeat_timeout = seconds(600);  // Ready stays True: only Reachable flips
  OperatorCluster cluster(options);
  cluster.apply(join_documents({tenant_yaml("t1"), quota_yaml("t1", "t1", {64, "256Gi", 100})}));
  std::vector<std::string> documents;
  for (const auto& name : {"doomed", "stays"}) {
    VmShape vm = vm_shape(name, "t1");
    vm.pinned_host = "hv-01";
    documents.push_back(vm_yaml(vm));
  }
  cluster.apply(join_documents(documents));
  for (const auto& name : {"doomed", "stays"}) {
    ASSERT_TRUE(eventually([&] { return vm_ready(cluster, "t1", name); }))
        << vm_status_text(cluster, "t1", name);
  }
  const std::string doomed_uid = vm_uid(cluster, "t1", "doomed");
  ASSERT_TRUE(eventually([&] { return quota_used(cluster, "vms") == 2; }));

  cluster.agent("hv-01").kill();
  ASSERT_TRUE(eventually([&] { return host_condition(cluster, "hv-01", "Reachable", "False"); }));
  EXPECT_TRUE(host_condition(cluster, "hv-01", "Ready", "True"));
  // Settled VMs are not polled: only the host's Reachable flip can have told them.
  for (const auto& name : {"doomed", "stays"}) {
    EXPECT_TRUE(eventually([&] {
      return condition_is(vm_object(cluster, "t1", name), "HostReachable", "False");
    })) << vm_status_text(cluster, "t1", name);
  }

  auto deleted = cluster.kubectl({"delete", kVms, "doomed", "-n", "t1", "--wait=false"});
  ASSERT_TRUE(deleted.ok()) << deleted.err;
  EXPECT_TRUE(eventually([&] {
    const auto vm = vm_object(cluster, "t1", "doomed");
    return status_string(vm, "phase") == "Deleting" &&
           ready_field(vm, "reason") == "HostUnreachable" &&
           ready_field(vm, "message").find("hv-01") != std::string::npos;
  })) << vm_status_text(cluster, "t1", "doomed");
  EXPECT_TRUE(condition_is(vm_object(cluster, "t1", "doomed"), "Ready", "False"));
  EXPECT_TRUE(eventually([&] { return has_warning(cluster, "doomed", "HostUnreachable", "hv-01"); },
                         seconds(30)))
      << nlohmann::json(cluster.events("t1")).dump();
  // Nothing is assumed gone because the host is down: the VM and its quota stay.
  EXPECT_TRUE(cluster.get(kVms, "t1", "doomed").has_value());
  EXPECT_EQ(quota_used(cluster, "vms"), 2);

  cluster.agent("hv-01").start();
  EXPECT_TRUE(eventually([&] { return !cluster.get(kVms, "t1", "doomed").has_value(); }))
      << vm_status_text(cluster, "t1", "doomed");
  EXPECT_FALSE(cluster.agent("hv-01").vm(doomed_uid).has_value());
  EXPECT_TRUE(eventually([&] { return quota_used(cluster, "vms") == 1; }))
      << cluster.get("quotas", "", "t1")->dump();
  EXPECT_TRUE(eventually([&] {
    const auto vm = vm_object(cluster, "t1", "stays");
    return condition_is(vm, "Ready", "True") && condition_is(vm, "HostReachable", "True");
  })) << vm_status_text(cluster, "t1", "stays");
}

// The other two delete paths wait for the host the same way: deletionPolicy Orphan (release) and
// Delete with a graceful shutdown first (spec.shutdown). Neither is assumed done while the host is
// down; once it answers, the orphaned VM stays on it unmanaged and the other is shut down, then
// removed.
TEST(OperatorOutageE2E, OrphanAndGracefulDeletesWaitForTheHostThenCompleteWhenItAnswers) {
  OperatorClusterOptions options;
  options.hosts = 1;
  options.host_heartbeat_timeout = seconds(600);  // Ready stays True: only Reachable flips
  OperatorCluster cluster(options);
  cluster.apply(join_documents({tenant_yaml("t1"), quota_yaml("t1", "t1", {64, "256Gi", 100})}));
  cluster.apply(
      join_documents({vm_yaml(vm_shape("kept", "t1")), vm_yaml(vm_shape("graceful", "t1"))}));
  for (const auto& name : {"kept", "graceful"}) {
    ASSERT_TRUE(eventually([&] { return vm_ready(cluster, "t1", name); }))
        << vm_status_text(cluster, "t1", name);
  }
  cluster.merge_patch(kVms, "t1", "kept", {{"spec", {{"deletionPolicy", "Orphan"}}}});
  cluster.merge_patch(kVms, "t1", "graceful",
                      {{"spec", {{"shutdown", {{"mode", "Graceful"}, {"timeoutSeconds", 30}}}}}});
  const std::string kept_uid = vm_uid(cluster, "t1", "kept");
  const std::string graceful_uid = vm_uid(cluster, "t1", "graceful");
  ASSERT_TRUE(eventually([&] { return quota_used(cluster, "vms") == 2; }));
  const int64_t unmanaged_before =
      cluster.agent("hv-01").host().value("unmanagedVmCount", int64_t{-1});
  ASSERT_GE(unmanaged_before, 0);

  cluster.agent("hv-01").kill();
  ASSERT_TRUE(eventually([&] { return host_condition(cluster, "hv-01", "Reachable", "False"); }));
  for (const auto& name : {"kept", "graceful"}) {
    auto deleted = cluster.kubectl({"delete", kVms, name, "-n", "t1", "--wait=false"});
    ASSERT_TRUE(deleted.ok()) << deleted.err;
  }
  for (const auto& name : {"kept", "graceful"}) {
    EXPECT_TRUE(eventually([&] {
      const auto vm = vm_object(cluster, "t1", name);
      return status_string(vm, "phase") == "Deleting" &&
             ready_field(vm, "reason") == "HostUnreachable" &&
             ready_field(vm, "message").find("hv-01") != std::string::npos;
    })) << vm_status_text(cluster, "t1", name);
    EXPECT_TRUE(eventually([&] { return has_warning(cluster, name, "HostUnreachable", "hv-01"); },
                           seconds(30)))
        << name << ": " << nlohmann::json(cluster.events("t1")).dump();
    EXPECT_TRUE(cluster.get(kVms, "t1", name).has_value()) << name;
  }
  EXPECT_EQ(quota_used(cluster, "vms"), 2);

  cluster.agent("hv-01").start();
  for (const auto& name : {"kept", "graceful"}) {
    EXPECT_TRUE(eventually([&] { return !cluster.get(kVms, "t1", name).has_value(); }))
        << vm_status_text(cluster, "t1", name);
  }
  SimAgent& agent = cluster.agent("hv-01");
  // Orphan: not managed any more, still on the host; never removed, never stopped.
  EXPECT_FALSE(agent.vm(kept_uid).has_value());
  EXPECT_EQ(agent.host().value("unmanagedVmCount", int64_t{-1}), unmanaged_before + 1);
  const std::string log = agent.log();
  EXPECT_NE(log.find("vm_released vm=" + kept_uid), std::string::npos) << log;
  EXPECT_EQ(log.find("vm_removed vm=" + kept_uid), std::string::npos) << log;
  EXPECT_EQ(log.find("vm_power vm=" + kept_uid), std::string::npos) << log;
  // Delete: asked to shut down first (the graceful shutdown of spec.shutdown), then removed.
  EXPECT_FALSE(agent.vm(graceful_uid).has_value());
  const auto shutdown = log.find("vm_power vm=" + graceful_uid + " action=shutdown");
  const auto removed = log.find("vm_removed vm=" + graceful_uid);
  EXPECT_NE(shutdown, std::string::npos) << log;
  EXPECT_NE(removed, std::string::npos) << log;
  EXPECT_LT(shutdown, removed) << log;
  EXPECT_TRUE(eventually([&] { return quota_used(cluster, "vms") == 0; }))
      << cluster.get("quotas", "", "t1")->dump();
}

}  // namespace
}  // namespace hvo::testing
