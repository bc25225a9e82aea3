// Day-2 changes through the real operator and a `hyperv-agent` with the hyperv driver: real pwsh
// runs the real scripts against the Hyper-V rules model (tests/agent/hyperv-model), which refuses
// what Hyper-V refuses (a CPU count changed on a running VM, ...) and logs every cmdlet call. The
// same flows as day2_e2e_test.cpp on sim hosts: a resize applied by restartRequestedAt, a hand
// edit on the host set back by the next host poll, a delete that gives a guest ignoring the
// shutdown its timeout before turning it off, and deletionPolicy Orphan (the last two disabled:
// see there). One cluster and one agent per test (pwsh is slow to start). Deadlines only bound
// failures.
// Without pwsh the test is skipped with the way to get it; under CI=true it fails.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "api/k8s/time.h"
#include "common/process/executable_path.h"
#include "common/process/process.h"
#include "tests/controllers/e2e/e2e_support.h"

namespace hvo::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr int64_t kGiB = 1LL << 30;
constexpr int kShutdownTimeoutSeconds = 4;
// Failures only: every pwsh call is slow on a busy machine, the model's cmdlets take turns on one
// state file.
constexpr auto kBound = std::chrono::seconds(300);

std::string pwsh_path() {
  if (const char* set = std::getenv("HVO_PWSH"); set != nullptr && *set != '\0')
    return set;
  if (auto found = process::find_executable("pwsh"))
    return *found;
  const char* home = std::getenv("HOME");
  const std::string tool = std::string(home ? home : "") + "/.dotnet/tools/pwsh";
  return std::filesystem::exists(tool) ? tool : "";
}

// The host as the model holds it: VMs, disks and the log of every cmdlet call.
// The model replaces the file after each change (Move-Item -Force), so a read can fall between
// the old file's removal and the new one's arrival: read again then.
json model_state(SimAgent& agent) {
  for (int attempt = 1;; ++attempt) {
    std::ifstream in(agent.model_env().at("HVMODEL_STATE"));
    std::stringstream text;
    text << in.rdbuf();
    json state = json::parse(text.str(), nullptr, false);
    if (!state.is_discarded() || attempt == 50)
      return state.is_discarded() ? json::object() : state;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// The model's VM record whose Notes carry the owner marker of `uid`; null when none does.
json model_vm_owned(SimAgent& agent, const std::string& uid) {
  const json state = model_state(agent);
  for (const auto& vm : state["vms"]) {
    if (vm.value("notes", "").find("hyperv-operator-uid: " + uid) != std::string::npos)
      return vm;
  }
  return json();
}

// The model's VM record of that name (with or without a marker); null when none.
json model_vm_named(SimAgent& agent, const std::string& name) {
  const json state = model_state(agent);
  for (const auto& vm : state["vms"]) {
    if (vm.value("name", "") == name)
      return vm;
  }
  return json();
}

// The calls of `cmdlet` on VM `name`, in order.
std::vector<json> model_calls(SimAgent& agent, const std::string& cmdlet, const std::string& name) {
  std::vector<json> out;
  const json state = model_state(agent);
  for (const auto& call : state["calls"]) {
    if (call.value("cmdlet", "") == cmdlet && call.value("vmName", json()) == name)
      out.push_back(call);
  }
  return out;
}

// Refused calls on a VM of that name: what Hyper-V would have refused the scripts.
std::vector<json> refused_calls(SimAgent& agent, const std::string& name) {
  std::vector<json> out;
  const json state = model_state(agent);
  for (const auto& call : state["calls"]) {
    if (!call.value("ok", true) && call.value("vmName", json()) == name)
      out.push_back(call);
  }
  return out;
}

// pwsh on the agent's host, with the model loaded as the agent has it: a person at the host's
// console. The command is fixed test text; data comes in through `env`.
void on_host(SimAgent& agent, const std::string& pwsh, const std::string& command,
             const std::map<std::string, std::string>& env = {}) {
  process::Options options;
  options.argv = {pwsh, "-NoLogo", "-NoProfile", "-NonInteractive", "-Command", command};
  options.env = agent.model_env();
  options.env["HVO_MODEL_DIR"] = std::string(HVO_SOURCE_DIR) + "/tests/agent/hyperv-model";
  for (const auto& [key, value] : env)
    options.env[key] = value;
  options.std_out = process::Stdio::pipe();
  options.std_err = process::Stdio::pipe();
  auto child = process::Process::spawn(options);
  ASSERT_TRUE(child.ok()) << child.error().message();
  auto output = child->read_all(seconds(120));
  auto status = child->wait(seconds(30));
  ASSERT_TRUE(output.ok() && status.ok() && status->code == 0)
      << command << "\n"
      << (output.ok() ? output->err : output.error().message());
}

// When the model logged the call (at its start, before a Stop-VM waits for the guest).
int64_t call_time_ms(const json& call) {
  auto parsed = k8s::parse_rfc3339(call.value("time", ""));
  if (!parsed.ok())
    return -1;
  return std::chrono::duration_cast<std::chrono::milliseconds>(parsed->time_since_epoch()).count();
}

std::string tail(const std::string& text) {
  return text.size() > 20000 ? text.substr(text.size() - 20000) : text;
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

int64_t quota_used_vms(OperatorCluster& cluster) {
  auto quota = cluster.get("quotas", "", "t1");
  if (!quota || !quota->contains("status") || !(*quota)["status"].contains("used"))
    return -1;
  return quantity_value((*quota)["status"]["used"].value("vms", json()));
}

class OperatorHypervModelE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    pwsh_ = pwsh_path();
    if (pwsh_.empty()) {
      const char* ci = std::getenv("CI");
      if (ci != nullptr && std::string(ci) == "true")
        FAIL() << "CI=true and no pwsh: install PowerShell 7.6.10 (make deps)";
      GTEST_SKIP() << "pwsh (PowerShell 7.6.10) not found: run `make deps` or `dotnet tool "
                      "install --global PowerShell --version 7.6.10`";
    }
  }

  // Creates the VMs (in one apply: the agent creates them side by side) and waits until each
  // runs on the model; returns their uids by name.
  std::map<std::string, std::string> create(OperatorCluster& cluster,
                                            const std::vector<VmShape>& shapes) {
    std::vector<std::string> documents{tenant_yaml("t1"),
                                       quota_yaml("t1", "t1", {64, "256Gi", 100})};
    for (const auto& shape : shapes)
      documents.push_back(vm_yaml(shape));
    cluster.apply(join_documents(documents));
    std::map<std::string, std::string> uids;
    for (const auto& shape : shapes) {
      EXPECT_TRUE(eventually([&] { return vm_ready(cluster, "t1", shape.name); }, kBound))
          << vm_status_text(cluster, "t1", shape.name) << "\nagent log:\n"
          << cluster.agent(0).log() << "\noperator log tail:\n"
          << tail(cluster.operator_log());
      uids[shape.name] = vm_uid(cluster, "t1", shape.name);
      EXPECT_EQ(model_vm_owned(cluster.agent(0), uids[shape.name]).value("state", ""), "Running")
          << shape.name;
    }
    return uids;
  }

  std::string pwsh_;
};

// CPU 2→4 and memory 2Gi→4Gi on a running VM: RestartRequired names both and nothing is tried on
// the running VM; restartRequestedAt shuts it down, ensures it while off and starts it again.
void resize_by_restart_request(OperatorCluster& cluster, const std::string& uid) {
  SimAgent& host = cluster.agent(0);
  const std::string name = model_vm_owned(host, uid).value("name", "");
  cluster.merge_patch(kVms, "t1", "vm-resize",
                      {{"spec", {{"cpu", {{"count", 4}}}, {"memory", {{"startup", "4Gi"}}}}}});
  ASSERT_TRUE(eventually(
      [&] {
        return condition_is(vm_object(cluster, "t1", "vm-resize"), "RestartRequired", "True");
      },
      kBound))
      << vm_status_text(cluster, "t1", "vm-resize");
  const std::string message =
      find_condition(vm_object(cluster, "t1", "vm-resize"), "RestartRequired")
          .value_or(json::object())
          .value("message", "");
  EXPECT_NE(message.find("cpu.count"), std::string::npos) << message;
  EXPECT_NE(message.find("memory.startupBytes"), std::string::npos) << message;
  json vm = model_vm_owned(host, uid);
  EXPECT_EQ(vm["processor"]["count"], 2);
  EXPECT_EQ(vm["memory"]["startup"], 2 * kGiB);
  EXPECT_EQ(vm["state"], "Running");
  EXPECT_TRUE(refused_calls(host, name).empty()) << json(refused_calls(host, name)).dump();

  const std::string requested = rfc3339_now();
  cluster.merge_patch(kVms, "t1", "vm-resize", {{"spec", {{"restartRequestedAt", requested}}}});
  EXPECT_TRUE(eventually(
      [&] {
        const json now = model_vm_owned(host, uid);
        return now.is_object() && now["processor"]["count"] == 4 &&
               now["memory"]["startup"] == 4 * kGiB && now["state"] == "Running";
      },
      kBound))
      << model_vm_owned(host, uid).dump();
  EXPECT_TRUE(eventually(
      [&] {
        const json object = vm_object(cluster, "t1", "vm-resize");
        return condition_is(object, "RestartRequired", "False") &&
               condition_is(object, "Ready", "True") &&
               status_string(object, "lastRestartTime") == requested;
      },
      kBound))
      << vm_status_text(cluster, "t1", "vm-resize");
  // Applied while off: Set-VMProcessor ran on an Off VM, and Hyper-V refused nothing.
  bool set_while_off = false;
  for (const auto& call : model_calls(host, "Set-VMProcessor", name))
    set_while_off =
        set_while_off || (call.value("vmState", "") == "Off" && call.value("ok", false));
  EXPECT_TRUE(set_while_off) << json(model_calls(host, "Set-VMProcessor", name)).dump();
  EXPECT_TRUE(refused_calls(host, name).empty()) << json(refused_calls(host, name)).dump();
  EXPECT_TRUE(has_event(cluster, "vm-resize", "Restarted"));
}

// A person changes the VLAN and the CPU weight at the host's console with the Hyper-V cmdlets; the
// next host poll sees the VM's configuration differ from what was applied, and the operator sets
// both back with a DriftCorrected Event naming them. The VM keeps running.
void hand_edit_set_back(OperatorCluster& cluster, const std::string& pwsh, const std::string& uid) {
  SimAgent& host = cluster.agent(0);
  const std::string name = model_vm_owned(host, uid).value("name", "");
  on_host(host, pwsh,
          "Set-VMNetworkAdapterVlan -VMName $env:HVO_VM -Access -VlanId 99; "
          "Set-VMProcessor -VMName $env:HVO_VM -RelativeWeight 500",
          {{"HVO_VM", name}});
  json vm = model_vm_owned(host, uid);
  ASSERT_EQ(vm["nics"][0]["vlanId"], 99) << vm.dump();
  ASSERT_EQ(vm["processor"]["relativeWeight"], 500) << vm.dump();

  EXPECT_TRUE(eventually(
      [&] {
        const json now = model_vm_owned(host, uid);
        return now.is_object() && now["nics"][0]["vlanMode"] == "Untagged" &&
               now["processor"]["relativeWeight"] == 100;
      },
      kBound))
      << model_vm_owned(host, uid).dump();
  EXPECT_TRUE(eventually(
      [&] {
        return has_event(cluster, "vm-resize", "DriftCorrected", "vlanId") &&
               has_event(cluster, "vm-resize", "DriftCorrected", "cpu.weight");
      },
      kBound))
      << json(cluster.events("t1")).dump();
  EXPECT_EQ(model_vm_owned(host, uid).value("state", ""), "Running");
  EXPECT_TRUE(condition_is(vm_object(cluster, "t1", "vm-resize"), "Ready", "True"));
}

// spec.shutdown Graceful with a timeout, and a guest that ignores the shutdown: the delete asks
// the guest (Stop-VM without -TurnOff), waits the timeout, turns the VM off (Stop-VM -TurnOff),
// then removes it.
void delete_waits_for_the_shutdown_timeout(OperatorCluster& cluster, const std::string& pwsh,
                                           const std::string& uid) {
  SimAgent& host = cluster.agent(0);
  const std::string name = model_vm_owned(host, uid).value("name", "");
  on_host(host, pwsh,
          "Import-Module (Join-Path $env:HVO_MODEL_DIR 'HvModel.psm1'); "
          "Set-HvModelOption @{ guests = @{ $env:HVO_VM = @{ ignoreShutdown = $true } } }",
          {{"HVO_VM", name}});
  cluster.merge_patch(
      kVms, "t1", "vm-stubborn",
      {{"spec",
        {{"shutdown", {{"mode", "Graceful"}, {"timeoutSeconds", kShutdownTimeoutSeconds}}}}}});
  auto deleted = cluster.kubectl({"delete", kVms, "vm-stubborn", "-n", "t1", "--wait=false"});
  ASSERT_TRUE(deleted.ok()) << deleted.err;
  EXPECT_TRUE(
      eventually([&] { return !cluster.get(kVms, "t1", "vm-stubborn").has_value(); }, kBound))
      << vm_status_text(cluster, "t1", "vm-stubborn");
  EXPECT_TRUE(model_vm_named(host, name).is_null()) << model_vm_named(host, name).dump();

  const std::vector<json> stops = model_calls(host, "Stop-VM", name);
  ASSERT_GE(stops.size(), 2u) << json(stops).dump();
  EXPECT_FALSE(stops.front()["parameters"].contains("TurnOff")) << json(stops).dump();
  EXPECT_TRUE(stops.back()["parameters"].contains("TurnOff")) << json(stops).dump();
  // The guest had its timeout before the plug was pulled. The script's clock starts before the
  // first Stop-VM is logged (it runs in a second runspace that takes a moment to start).
  const int64_t waited_ms = call_time_ms(stops.back()) - call_time_ms(stops.front());
  EXPECT_GE(waited_ms, kShutdownTimeoutSeconds * 1000 / 2) << json(stops).dump();
  EXPECT_EQ(model_calls(host, "Remove-VM", name).size(), 1u);
}

// deletionPolicy Orphan: the object goes, the VM stays on the host as it was (running) without
// the agent's lines in Notes, and the quota is freed.
void orphan_leaves_the_vm_unmarked(OperatorCluster& cluster, const std::string& uid) {
  SimAgent& host = cluster.agent(0);
  const std::string name = model_vm_owned(host, uid).value("name", "");
  // The Quota's status is written at most once a second: wait until it counts vm-keep alone
  // (vm-stubborn was just deleted) before taking it as the figure the orphaning lowers.
  ASSERT_TRUE(eventually([&] { return quota_used_vms(cluster) == 1; }, kBound))
      << cluster.get("quotas", "", "t1")->dump();
  const int64_t used = quota_used_vms(cluster);
  cluster.merge_patch(kVms, "t1", "vm-keep", {{"spec", {{"deletionPolicy", "Orphan"}}}});
  auto deleted = cluster.kubectl({"delete", kVms, "vm-keep", "-n", "t1", "--wait=false"});
  ASSERT_TRUE(deleted.ok()) << deleted.err;
  EXPECT_TRUE(eventually([&] { return !cluster.get(kVms, "t1", "vm-keep").has_value(); }, kBound))
      << vm_status_text(cluster, "t1", "vm-keep");

  const json vm = model_vm_named(host, name);
  ASSERT_TRUE(vm.is_object()) << "the orphaned VM is gone from the host";
  EXPECT_EQ(vm.value("notes", "").find("hyperv-operator-"), std::string::npos) << vm.dump();
  EXPECT_EQ(vm["state"], "Running");
  EXPECT_TRUE(model_calls(host, "Remove-VM", name).empty());
  EXPECT_TRUE(model_calls(host, "Stop-VM", name).empty());
  EXPECT_FALSE(host.vm(uid).has_value());  // the agent no longer manages it
  EXPECT_TRUE(eventually([&] { return quota_used_vms(cluster) == used - 1; }, kBound))
      << cluster.get("quotas", "", "t1")->dump();
}

OperatorClusterOptions model_cluster_options(const std::string& pwsh) {
  OperatorClusterOptions options;
  options.hosts = 1;
  options.host_cpu = 16;
  options.host_memory_bytes = 64 * kGiB;
  options.hyperv_model = HypervModelHosts{pwsh};
  options.agent_timeout = seconds(60);
  // Each host poll runs pwsh (inventory and host info); every 2 s keeps the drift check prompt
  // without keeping the model's state lock busy.
  options.host_poll_interval = seconds(2);
  return options;
}

void dump_on_failure(OperatorCluster& cluster) {
  if (!::testing::Test::HasFailure())
    return;
  std::cout << "agent log:\n"
            << tail(cluster.agent(0).log()) << "\noperator log:\n"
            << tail(cluster.operator_log()) << "\nmodel calls:\n";
  for (const auto& call : model_state(cluster.agent(0)).value("calls", json::array()))
    std::cout << call.dump() << "\n";
}

TEST_F(OperatorHypervModelE2E, ResizeByRestartRequestAndHandEditSetBack) {
  OperatorCluster cluster(model_cluster_options(pwsh_));
  VmShape resize = vm_shape("vm-resize", "t1");
  resize.cpu = 2;
  resize.memory = "2Gi";
  auto uids = create(cluster, {resize});
  ASSERT_FALSE(HasFailure());
  {
    SCOPED_TRACE("resize applied by restartRequestedAt");
    resize_by_restart_request(cluster, uids["vm-resize"]);
  }
  {
    // The resized VM is the one edited by hand: each VM costs the model dozens of cmdlet calls.
    SCOPED_TRACE("hand edit on the host set back");
    hand_edit_set_back(cluster, pwsh_, uids["vm-resize"]);
  }
  dump_on_failure(cluster);
}

// On the model a DELETE (and an Orphan release) outlasts the agent's operationWaitMs and
// answers 202: the finalizer must go once that operation succeeded, without asking again.
TEST_F(OperatorHypervModelE2E, DeleteGivesTheShutdownItsTimeoutAndOrphanKeepsTheVm) {
  OperatorCluster cluster(model_cluster_options(pwsh_));
  auto uids = create(cluster, {vm_shape("vm-stubborn", "t1"), vm_shape("vm-keep", "t1")});
  ASSERT_FALSE(HasFailure());
  {
    SCOPED_TRACE("delete waits for the shutdown timeout, then turns off");
    delete_waits_for_the_shutdown_timeout(cluster, pwsh_, uids["vm-stubborn"]);
  }
  {
    SCOPED_TRACE("deletionPolicy Orphan");
    orphan_leaves_the_vm_unmarked(cluster, uids["vm-keep"]);
  }
  dump_on_failure(cluster);
}

}  // namespace
}  // namespace hvo::testing
