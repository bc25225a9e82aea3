// Fenced failover on sim hosts through the real operator, etcd, apiserver-lite and kubectl
// (issue 14, item 4). Three VMs run on hv-01, two of them opted in (restartOnHostFailure, a 2 s
// hostFailureTimeout). hv-01's agent dies; once the host is NotReady nothing moves until an admin
// sets spec.fenced; then the opted-in VMs are created again on other hosts (recreated
// from the image) with HostLost=True FailedOver and a Failover Event naming both hosts, while the
// third waits with HostLost=True NotOptedIn. Quota counts each VM once throughout. When hv-01's
// agent answers again, the stale copies of the failed-over VMs are removed from it without a
// start or ensure ever reaching them (the agent's own log of calls), and the third VM is Ready
// there again. Deadlines only bound failures.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "tests/controllers/e2e/e2e_support.h"

namespace hvo::testing {
namespace {

using std::chrono::seconds;

constexpr const char* kLost = "hv-01";

bool host_condition(OperatorCluster& cluster, const std::string& host, const std::string& type,
                    const std::string& status) {
  auto object = cluster.get("hypervhosts", "", host);
  return object && condition_is(*object, type, status);
}

std::string condition_field(const nlohmann::json& vm, const char* type, const char* field) {
  return find_condition(vm, type).value_or(nlohmann::json::object()).value(field, "");
}

bool host_lost_is(OperatorCluster& cluster, const std::string& name, const std::string& status,
                  const std::string& reason) {
  const auto vm = vm_object(cluster, "t1", name);
  return condition_is(vm, "HostLost", status) &&
         condition_field(vm, "HostLost", "reason") == reason;
}

int64_t quota_used(OperatorCluster& cluster, const std::string& resource) {
  auto quota = cluster.get("quotas", "", "t1");
  if (!quota || !quota->contains("status") || !(*quota)["status"].contains("used"))
    return -1;
  return quantity_value((*quota)["status"]["used"].value(resource, nlohmann::json()));
}

std::vector<nlohmann::json> events_of(OperatorCluster& cluster, const std::string& vm,
                                      const std::string& reason) {
  std::vector<nlohmann::json> found;
  for (const auto& event : cluster.events("t1")) {
    if (event.value("regarding", nlohmann::json::object()).value("name", "") == vm &&
        event.value("reason", "") == reason)
      found.push_back(event);
  }
  return found;
}

std::string vm_with_availability(const std::string& name) {
  VmShape vm = vm_shape(name, "t1");
  return vm_yaml(vm) + "  availability: {restartOnHostFailure: true, hostFailureTimeout: 2s}\n";
}

// Which running agent holds `uid` ("" when none); a killed agent is not asked.
std::string live_host_of(OperatorCluster& cluster, const std::string& uid,
                         std::string* state = nullptr) {
  for (std::size_t i = 0; i < cluster.agent_count(); ++i) {
    SimAgent& agent = cluster.agent(i);
    if (!agent.running())
      continue;
    if (auto vm = agent.vm(uid)) {
      if (state)
        *state = vm->value("state", "");
      return agent.name();
    }
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(FailoverE2E, AFencedLostHostsOptedInVmsComeUpElsewhereAndItsStaleCopiesAreRemovedUnstarted) {
  OperatorClusterOptions options;
  options.host_heartbeat_timeout = seconds(3);
  OperatorCluster cluster(options);
  cluster.apply(join_documents({tenant_yaml("t1"), quota_yaml("t1", "t1", {64, "256Gi", 100})}));
  // Everything starts on hv-01: the other hosts take nothing until the VMs run there.
  for (const auto& host : {"hv-02", "hv-03"})
    cluster.merge_patch("hypervhosts", "", host, {{"spec", {{"unschedulable", true}}}});
  const std::vector<std::string> opted{"ha-1", "ha-2"};
  cluster.apply(join_documents({vm_with_availability("ha-1"), vm_with_availability("ha-2"),
                                vm_yaml(vm_shape("plain", "t1"))}));
  std::map<std::string, std::string> uid;
  std::map<std::string, std::string> old_vm_id;
  for (const auto& name : {"ha-1", "ha-2", "plain"}) {
    ASSERT_TRUE(eventually([&] { return vm_ready(cluster, "t1", name); }))
        << vm_status_text(cluster, "t1", name);
    const auto vm = vm_object(cluster, "t1", name);
    ASSERT_EQ(status_string(vm, "host"), kLost);
    uid[name] = vm_uid(cluster, "t1", name);
    old_vm_id[name] = status_string(vm, "vmId");
  }
  ASSERT_TRUE(eventually([&] { return quota_used(cluster, "vms") == 3; }));
  for (const auto& host : {"hv-02", "hv-03"})
    cluster.merge_patch("hypervhosts", "", host, {{"spec", {{"unschedulable", false}}}});

  // The host is lost: NotReady after the heartbeat timeout.
  cluster.agent(kLost).kill();
  ASSERT_TRUE(eventually([&] { return host_condition(cluster, kLost, "Ready", "False"); }));

  // Not fenced: the opted-in VMs say they wait for the fence, the other one for the host.
  for (const auto& name : opted) {
    EXPECT_TRUE(eventually([&] { return host_lost_is(cluster, name, "True", "AwaitingFencing"); }))
        << vm_status_text(cluster, "t1", name);
    EXPECT_TRUE(
        contains(condition_field(vm_object(cluster, "t1", name), "HostLost", "message"), kLost));
  }
  EXPECT_TRUE(eventually([&] { return host_lost_is(cluster, "plain", "True", "NotOptedIn"); }))
      << vm_status_text(cluster, "t1", "plain");
  // Well past the 2 s hostFailureTimeout, nothing has moved: no split brain without a fence.
  std::this_thread::sleep_for(seconds(5));
  for (const auto& name : {"ha-1", "ha-2", "plain"}) {
    const auto vm = vm_object(cluster, "t1", name);
    EXPECT_EQ(status_string(vm, "host"), kLost) << vm_status_text(cluster, "t1", name);
    EXPECT_EQ(live_host_of(cluster, uid[name]), "") << name << " appeared on a live host";
    EXPECT_TRUE(events_of(cluster, name, "Failover").empty());
  }
  EXPECT_TRUE(host_lost_is(cluster, "ha-1", "True", "AwaitingFencing"));

  // An admin (or a fencing tool) confirms the host is off.
  auto fenced = cluster.kubectl(
      {"patch", "hypervhost", kLost, "--type=merge", "-p", R"({"spec":{"fenced":true}})"});
  ASSERT_TRUE(fenced.ok()) << fenced.err;

  std::map<std::string, std::string> new_host;
  for (const auto& name : opted) {
    EXPECT_TRUE(eventually([&] {
      const auto vm = vm_object(cluster, "t1", name);
      const std::string host = status_string(vm, "host");
      return condition_is(vm, "Ready", "True") && status_string(vm, "phase") == "Running" &&
             !host.empty() && host != kLost && live_host_of(cluster, uid[name]) == host;
    })) << vm_status_text(cluster, "t1", name);
    const auto vm = vm_object(cluster, "t1", name);
    new_host[name] = status_string(vm, "host");
    // Created again from the image: the new host's own VM (sim hosts draw vmIds from the same
    // seeded sequence, so the id itself may repeat the old host's).
    const auto created = cluster.agent(new_host[name]).vm(uid[name]);
    ASSERT_TRUE(created.has_value());
    EXPECT_EQ(status_string(vm, "vmId"), created->value("vmId", ""));
    std::string state;
    EXPECT_EQ(live_host_of(cluster, uid[name], &state), new_host[name]);
    EXPECT_EQ(state, "Running");
    EXPECT_TRUE(host_lost_is(cluster, name, "True", "FailedOver"))
        << vm_status_text(cluster, "t1", name);
    ASSERT_TRUE(vm["status"].contains("staleCopies")) << vm_status_text(cluster, "t1", name);
    EXPECT_EQ(vm["status"]["staleCopies"][0].value("host", ""), kLost);
    EXPECT_EQ(vm["status"]["staleCopies"][0].value("vmId", ""), old_vm_id[name]);
    const auto failovers = events_of(cluster, name, "Failover");
    ASSERT_EQ(failovers.size(), 1u);
    EXPECT_EQ(failovers[0].value("type", ""), "Warning");
    const std::string note = failovers[0].value("note", "");
    EXPECT_TRUE(contains(note, "from host hv-01 to host " + new_host[name])) << note;
  }
  // The VM that did not opt in stays, saying why; nothing of it runs anywhere else.
  const auto plain = vm_object(cluster, "t1", "plain");
  EXPECT_EQ(status_string(plain, "host"), kLost);
  EXPECT_TRUE(host_lost_is(cluster, "plain", "True", "NotOptedIn"));
  EXPECT_TRUE(condition_is(plain, "Ready", "False"));
  EXPECT_EQ(live_host_of(cluster, uid["plain"]), "");
  // Each VM counted once: the failed-over ones moved their reservation, not doubled it.
  EXPECT_EQ(quota_used(cluster, "vms"), 3);
  EXPECT_EQ(quota_used(cluster, "vcpus"), 3);

  // hv-01 answers again, still holding its copies: the sim keeps its VMs across the restart in
  // its state file, which lists them now.
  {
    std::ifstream state_file(cluster.agent(kLost).dir() + "/data/sim-state.json");
    const std::string state((std::istreambuf_iterator<char>(state_file)),
                            std::istreambuf_iterator<char>());
    for (const auto& name : {"ha-1", "ha-2", "plain"})
      EXPECT_TRUE(contains(state, uid[name])) << name << " is not in hv-01's state file";
  }
  const std::size_t log_before = cluster.agent(kLost).log().size();
  cluster.agent(kLost).start();
  for (const auto& name : opted) {
    EXPECT_TRUE(eventually([&] {
      const auto vm = vm_object(cluster, "t1", name);
      return !vm["status"].contains("staleCopies") &&
             host_lost_is(cluster, name, "False", "StaleCopiesRemoved");
    })) << vm_status_text(cluster, "t1", name);
    EXPECT_FALSE(cluster.agent(kLost).vm(uid[name]).has_value());
    // Still where it was failed over to, and only there.
    EXPECT_EQ(live_host_of(cluster, uid[name]), new_host[name]);
    EXPECT_EQ(status_string(vm_object(cluster, "t1", name), "host"), new_host[name]);
    EXPECT_EQ(events_of(cluster, name, "StaleCopyRemoved").size(), 1u);
  }
  EXPECT_TRUE(eventually([&] {
    return vm_ready(cluster, "t1", "plain") &&
           host_lost_is(cluster, "plain", "False", "HostRecovered");
  })) << vm_status_text(cluster, "t1", "plain");
  EXPECT_EQ(status_string(vm_object(cluster, "t1", "plain"), "host"), kLost);

  // The returned agent's own record of calls: the stale copies were removed and never asked to
  // start, or to converge (which could start them).
  const std::string since_restart = cluster.agent(kLost).log().substr(log_before);
  for (const auto& name : opted) {
    EXPECT_TRUE(contains(since_restart, "vm_removed vm=" + uid[name])) << since_restart;
    EXPECT_FALSE(contains(since_restart, "vm_power vm=" + uid[name])) << since_restart;
    EXPECT_FALSE(contains(since_restart, "vm_ensured vm=" + uid[name])) << since_restart;
  }
  EXPECT_EQ(quota_used(cluster, "vms"), 3);
}

}  // namespace
}  // namespace hvo::testing
