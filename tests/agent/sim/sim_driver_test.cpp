#include "hostagent/sim/sim_driver.h"

#include <gtest/gtest.h>

#include <fstream>

#include "hostagent/protocol/spec_hash.h"
#include "hostagent/util/atomic_file.h"
#include "tests/agent/support/sample_spec.h"
#include "tests/net/test_certs.h"

namespace hvo::agent {
namespace {

using testing::sample_spec;

class SimDriverTest : public ::testing::Test {
 protected:
  std::unique_ptr<SimDriver> open(SimConfig config) {
    auto driver = SimDriver::open(std::move(config), [this] { return now_ms_; });
    EXPECT_TRUE(driver.ok()) << (driver.ok() ? "" : driver.error().message());
    return std::move(driver).value();
  }
  SimConfig persistent_config() {
    SimConfig config;
    config.state_file = dir_.path() + "/sim-state.json";
    return config;
  }

  int64_t now_ms_ = 1'700'000'000'000;
  hvo::testing::TempDir dir_;
};

TEST_F(SimDriverTest, EnsureTwiceMakesOneVmAndSecondCallChangesNothing) {
  auto sim = open({});
  const auto first = sim->ensure(sample_spec(), "/seeds/u.iso");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(first->created);
  const auto second = sim->ensure(sample_spec(), "/seeds/u.iso");
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_FALSE(second->created);
  EXPECT_TRUE(second->changed_fields.empty());
  EXPECT_EQ(second->vm.vm_id, first->vm.vm_id);
  EXPECT_EQ(sim->inventory()->vms.size(), 1u);
}

TEST_F(SimDriverTest, OneVmIsReadByItsUid) {
  auto sim = open({});
  ASSERT_TRUE(sim->ensure(sample_spec("u-1"), "").ok());
  ASSERT_TRUE(sim->ensure(sample_spec("u-2", "web-2"), "").ok());
  const auto vm = sim->vm("u-2");
  ASSERT_TRUE(vm.ok()) << vm.error().message;
  EXPECT_EQ(vm->uid, "u-2");
  EXPECT_EQ(vm->name, "team-a.web-2");
  EXPECT_EQ(sim->vm("u-3").error().code, AgentErrorCode::kNotFound);
}

TEST_F(SimDriverTest, CreatedVmMatchesTheSpecAndRuns) {
  auto sim = open({});
  const auto result = sim->ensure(sample_spec(), "/seeds/u.iso");
  ASSERT_TRUE(result.ok()) << result.error().message;
  const VmStatus& vm = result->vm;
  EXPECT_EQ(vm.name, "team-a.web-1");
  EXPECT_EQ(vm.state, VmState::kRunning);
  EXPECT_EQ(vm.cpu_count, 2);
  EXPECT_EQ(vm.memory_startup_bytes, 2 * kGiB);
  ASSERT_EQ(vm.nics.size(), 1u);
  EXPECT_EQ(vm.nics[0].vlan_id, 40);
  EXPECT_EQ(vm.nics[0].mac_address.size(), 12u);
  EXPECT_EQ(vm.disks.size(), 2u);
  EXPECT_EQ(vm.dvd_path, "/seeds/u.iso");
  EXPECT_EQ(vm.object_generation, 3);
  EXPECT_FALSE(vm.restart_required());
}

TEST_F(SimDriverTest, CrashBetweenCreateAndConfigureConvergesOnNextEnsureWithoutSecondVm) {
  SimConfig config;
  config.faults.crash_after_create = {sample_spec().uid};
  auto sim = open(config);
  const auto crashed = sim->ensure(sample_spec(), "");
  ASSERT_FALSE(crashed.ok());
  EXPECT_EQ(crashed.error().code, AgentErrorCode::kDriverError);
  // The half-made VM exists, unconfigured and off, as after a real crash.
  auto half = sim->inventory();
  ASSERT_EQ(half->vms.size(), 1u);
  EXPECT_TRUE(half->vms[0].nics.empty());
  EXPECT_EQ(half->vms[0].state, VmState::kOff);

  const auto converged = sim->ensure(sample_spec(), "");
  ASSERT_TRUE(converged.ok()) << converged.error().message;
  EXPECT_FALSE(converged->created);
  EXPECT_EQ(converged->vm.vm_id, half->vms[0].vm_id);
  EXPECT_EQ(converged->vm.nics.size(), 1u);
  EXPECT_EQ(converged->vm.cpu_count, 2);
  EXPECT_EQ(converged->vm.state, VmState::kRunning);
  EXPECT_EQ(sim->inventory()->vms.size(), 1u);
}

TEST_F(SimDriverTest, RestartOfTheAgentKeepsItsVms) {
  std::string vm_id;
  {
    auto sim = open(persistent_config());
    auto result = sim->ensure(sample_spec(), "");
    ASSERT_TRUE(result.ok());
    vm_id = result->vm.vm_id;
    ASSERT_TRUE(sim->ensure(sample_spec("uid-2", "db"), "").ok());
  }
  auto reopened = open(persistent_config());
  const auto inventory = reopened->inventory();
  ASSERT_EQ(inventory->vms.size(), 2u);
  const auto again = reopened->ensure(sample_spec(), "");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->vm.vm_id, vm_id);
  EXPECT_EQ(again->vm.state, VmState::kRunning);
}

TEST_F(SimDriverTest, CorruptStateFileIsAStartUpErrorNamingTheFile) {
  auto config = persistent_config();
  ASSERT_TRUE(write_file_atomically(config.state_file, "{not json").ok());
  auto driver = SimDriver::open(config);
  ASSERT_FALSE(driver.ok());
  EXPECT_NE(driver.error().message().find(config.state_file), std::string::npos);
}

TEST_F(SimDriverTest, StartAndStopPassThroughTransitionalStatesForTheirLatency) {
  SimConfig config;
  config.latencies.start_ms = 5000;
  config.latencies.stop_ms = 3000;
  auto sim = open(config);
  auto result = sim->ensure(sample_spec(), "");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->vm.state, VmState::kStarting);
  now_ms_ += 4999;
  EXPECT_EQ(sim->inventory()->vms[0].state, VmState::kStarting);
  now_ms_ += 1;
  EXPECT_EQ(sim->inventory()->vms[0].state, VmState::kRunning);
  now_ms_ += 10'000;
  EXPECT_EQ(sim->inventory()->vms[0].uptime_seconds, 10);

  auto stopping = sim->power(sample_spec().uid, {PowerAction::kShutdown, 60});
  ASSERT_TRUE(stopping.ok());
  EXPECT_EQ(stopping->state, VmState::kStopping);
  now_ms_ += 3000;
  EXPECT_EQ(sim->inventory()->vms[0].state, VmState::kOff);
}

struct PowerRow {
  const char* name;
  PowerAction first;
  PowerAction second;
  bool second_ok;
  VmState final_state;
};

TEST_F(SimDriverTest, PowerActionsFollowTheStateMachine) {
  const PowerRow rows[] = {
      {"start twice", PowerAction::kStart, PowerAction::kStart, true, VmState::kRunning},
      {"save then start", PowerAction::kSave, PowerAction::kStart, true, VmState::kRunning},
      {"save then shutdown", PowerAction::kSave, PowerAction::kShutdown, false, VmState::kSaved},
      {"turnoff then restart", PowerAction::kTurnOff, PowerAction::kRestart, false, VmState::kOff},
      {"turnoff then save", PowerAction::kTurnOff, PowerAction::kSave, false, VmState::kOff},
      {"shutdown twice", PowerAction::kShutdown, PowerAction::kShutdown, true, VmState::kOff},
      {"restart", PowerAction::kRestart, PowerAction::kStart, true, VmState::kRunning},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    auto sim = open({});
    ASSERT_TRUE(sim->ensure(sample_spec(), "").ok());
    ASSERT_TRUE(sim->power(sample_spec().uid, {row.first, 60}).ok());
    const auto second = sim->power(sample_spec().uid, {row.second, 60});
    EXPECT_EQ(second.ok(), row.second_ok);
    if (!second.ok()) {
      EXPECT_EQ(second.error().code, AgentErrorCode::kConflict);
    }
    EXPECT_EQ(sim->inventory()->vms[0].state, row.final_state);
  }
}

TEST_F(SimDriverTest, PowerOfUnknownVmIsNotFound) {
  auto sim = open({});
  const auto result = sim->power("nope", {PowerAction::kStart, 0});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, AgentErrorCode::kNotFound);
}

TEST_F(SimDriverTest, RestartRequiredChangesWaitForTheVmToBeOff) {
  auto sim = open({});
  ASSERT_TRUE(sim->ensure(sample_spec(), "").ok());
  VmSpec bigger = sample_spec();
  bigger.cpu.count = 4;
  bigger.networks[0].vlan_id = 41;
  auto running = sim->ensure(bigger, "");
  ASSERT_TRUE(running.ok());
  EXPECT_EQ(running->changed_fields, std::vector<std::string>{"networks[nic0].vlanId"});
  EXPECT_EQ(running->vm.restart_required_fields, std::vector<std::string>{"cpu.count"});
  EXPECT_EQ(running->vm.cpu_count, 2);
  EXPECT_TRUE(sim->inventory()->vms[0].restart_required());

  ASSERT_TRUE(sim->power(bigger.uid, {PowerAction::kTurnOff, 0}).ok());
  bigger.power = PowerIntent::kOff;
  auto off = sim->ensure(bigger, "");
  ASSERT_TRUE(off.ok());
  EXPECT_EQ(off->vm.cpu_count, 4);
  EXPECT_FALSE(off->vm.restart_required());
}

// The agent knows what is pending on every read, not just in the ensure's answer: a restart
// through /power (no ensure while off) leaves the VM at its old size and the fields pending; the
// generation marker does not claim the spec is on the VM until nothing waits.
TEST_F(SimDriverTest, DeferredFieldsStayPendingOnEveryReadUntilAnEnsureWhileOff) {
  auto sim = open(persistent_config());
  ASSERT_TRUE(sim->ensure(sample_spec(), "").ok());
  VmSpec bigger = sample_spec();
  bigger.object_generation = 4;
  bigger.cpu.count = 4;
  bigger.memory.startup_bytes = 4 * kGiB;
  ASSERT_TRUE(sim->ensure(bigger, "").ok());
  const std::vector<std::string> pending{"cpu.count", "memory.startupBytes"};
  EXPECT_EQ(sim->vm(bigger.uid)->restart_required_fields, pending);
  EXPECT_EQ(sim->vm(bigger.uid)->object_generation, 3);  // not 4: part of it waits
  EXPECT_EQ(sim->vm(bigger.uid)->applied_spec_hash, spec_hash(bigger));

  ASSERT_TRUE(sim->power(bigger.uid, {PowerAction::kTurnOff, 0}).ok());
  ASSERT_TRUE(sim->power(bigger.uid, {PowerAction::kStart, 0}).ok());
  auto reopened = open(persistent_config());  // and across an agent restart
  const auto restarted = reopened->inventory()->vms.at(0);
  EXPECT_EQ(restarted.cpu_count, 2);
  EXPECT_EQ(restarted.restart_required_fields, pending);
  EXPECT_FALSE(restarted.config_drift);

  ASSERT_TRUE(reopened->power(bigger.uid, {PowerAction::kTurnOff, 0}).ok());
  const auto applied = reopened->ensure(bigger, "");  // ensure while off, then start
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_EQ(applied->vm.cpu_count, 4);
  EXPECT_EQ(applied->vm.memory_startup_bytes, 4 * kGiB);
  EXPECT_EQ(applied->vm.state, VmState::kRunning);
  EXPECT_TRUE(reopened->vm(bigger.uid)->restart_required_fields.empty());
  EXPECT_EQ(reopened->vm(bigger.uid)->object_generation, 4);
}

TEST_F(SimDriverTest, HandEditIsReportedAsDriftAndTheSameEnsureUndoesIt) {
  auto sim = open({});
  const VmSpec spec = sample_spec();
  ASSERT_TRUE(sim->ensure(spec, "").ok());
  EXPECT_FALSE(sim->vm(spec.uid)->config_drift);
  SimEdit edit;
  edit.nic_vlans["nic0"] = 99;
  edit.cpu_count = 3;
  ASSERT_TRUE(sim->edit(spec.uid, edit).ok());
  const auto drifted = sim->vm(spec.uid);
  EXPECT_TRUE(drifted->config_drift);
  EXPECT_EQ(drifted->nics.at(0).vlan_id, 99);

  const auto corrected = sim->ensure(spec, "");
  ASSERT_TRUE(corrected.ok());
  // The VLAN changes live; the CPU count needs the VM off and is pending, not forced.
  EXPECT_EQ(corrected->changed_fields, std::vector<std::string>{"networks[nic0].vlanId"});
  EXPECT_EQ(corrected->vm.restart_required_fields, std::vector<std::string>{"cpu.count"});
  EXPECT_FALSE(corrected->vm.config_drift);
  EXPECT_EQ(corrected->vm.nics.at(0).vlan_id, 40);
  EXPECT_EQ(sim->edit("u-nope", edit).error().code, AgentErrorCode::kNotFound);
}

TEST_F(SimDriverTest, GuestThatIgnoresShutdownIsTurnedOffAtTheTimeout) {
  SimConfig config;
  config.faults.ignore_shutdown.insert(sample_spec().uid);
  auto sim = open(config);
  ASSERT_TRUE(sim->ensure(sample_spec(), "").ok());
  ASSERT_TRUE(sim->power(sample_spec().uid, {PowerAction::kShutdown, 30}).ok());
  now_ms_ += 29'000;
  EXPECT_EQ(sim->vm(sample_spec().uid)->state, VmState::kStopping);
  now_ms_ += 1'000;
  EXPECT_EQ(sim->vm(sample_spec().uid)->state, VmState::kOff);
}

TEST_F(SimDriverTest, ReleaseLeavesTheVmOnTheHostUnmanaged) {
  auto sim = open({});
  ASSERT_TRUE(sim->ensure(sample_spec(), "").ok());
  const int64_t free_memory = sim->host_info()->free.memory_bytes;
  ASSERT_TRUE(sim->release(sample_spec().uid).ok());
  EXPECT_TRUE(sim->release(sample_spec().uid).ok());  // again: nothing to release
  EXPECT_TRUE(sim->inventory()->vms.empty());
  EXPECT_EQ(sim->inventory()->unmanaged_count, 1);
  EXPECT_EQ(sim->host_info()->free.memory_bytes, free_memory);  // it still runs there
}

TEST_F(SimDriverTest, VmsThatDoNotFitAreRefusedLikeARealHost) {
  SimConfig config;
  config.capacity = {4, 4 * kGiB, 100 * kGiB};
  auto sim = open(config);

  VmSpec too_many_cpus = sample_spec("u-cpu", "cpu");
  too_many_cpus.cpu.count = 8;
  auto cpu = sim->ensure(too_many_cpus, "");
  ASSERT_FALSE(cpu.ok());
  EXPECT_EQ(cpu.error().code, AgentErrorCode::kInsufficientResources);
  EXPECT_NE(cpu.error().message.find("logical processors"), std::string::npos);

  VmSpec huge_disk = sample_spec("u-disk", "disk");
  huge_disk.disks[1].size_bytes = 200 * kGiB;
  auto disk = sim->ensure(huge_disk, "");
  ASSERT_FALSE(disk.ok());
  EXPECT_EQ(disk.error().code, AgentErrorCode::kInsufficientResources);
  EXPECT_NE(disk.error().message.find("storage"), std::string::npos);

  // Two 2 GiB VMs fill the memory; the third is created but cannot start.
  ASSERT_TRUE(sim->ensure(sample_spec("u-1", "a"), "").ok());
  ASSERT_TRUE(sim->ensure(sample_spec("u-2", "b"), "").ok());
  auto third = sim->ensure(sample_spec("u-3", "c"), "");
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code, AgentErrorCode::kInsufficientResources);
  EXPECT_NE(third.error().message.find("memory"), std::string::npos);
  // Freeing memory lets it start.
  ASSERT_TRUE(sim->power("u-1", {PowerAction::kTurnOff, 0}).ok());
  EXPECT_TRUE(sim->power("u-3", {PowerAction::kStart, 0}).ok());
}

TEST_F(SimDriverTest, UnknownImageAndSwitchHaveTheirOwnCodes) {
  auto sim = open({});
  VmSpec image = sample_spec();
  image.image = "windows-3.1";
  EXPECT_EQ(sim->ensure(image, "").error().code, AgentErrorCode::kImageNotFound);
  VmSpec network = sample_spec();
  network.networks[0].switch_name = "dmz";
  const auto result = sim->ensure(network, "");
  EXPECT_EQ(result.error().code, AgentErrorCode::kSwitchNotFound);
  EXPECT_NE(result.error().message.find("dmz"), std::string::npos);
  EXPECT_TRUE(sim->inventory()->vms.empty());
}

TEST_F(SimDriverTest, InjectedFailuresSurfaceWithTheirCodes) {
  auto sim = open({});
  ASSERT_TRUE(sim->ensure(sample_spec("u-ok", "ok"), "").ok());

  SimFaults faults;
  faults.failing_vms = {"u-bad"};
  sim->set_faults(faults);
  EXPECT_EQ(sim->ensure(sample_spec("u-bad", "bad"), "").error().code,
            AgentErrorCode::kDriverError);
  EXPECT_TRUE(sim->ensure(sample_spec("u-ok", "ok"), "").ok());

  faults.host_down = true;
  sim->set_faults(faults);
  EXPECT_EQ(sim->inventory().error().code, AgentErrorCode::kHostUnavailable);
  EXPECT_EQ(sim->host_info().error().code, AgentErrorCode::kHostUnavailable);
  EXPECT_EQ(sim->ensure(sample_spec("u-ok", "ok"), "").error().code,
            AgentErrorCode::kHostUnavailable);
  sim->set_faults({});
  EXPECT_TRUE(sim->inventory().ok());
}

TEST_F(SimDriverTest, CreateFailureRatioFailsThatShareOfCreations) {
  SimConfig config;
  config.faults.create_failure_ratio = 0.5;
  config.faults.seed = 7;
  auto sim = open(config);
  int failures = 0;
  for (int i = 0; i < 200; ++i) {
    auto result = sim->ensure(sample_spec("u-" + std::to_string(i), "vm-" + std::to_string(i)), "");
    if (!result.ok()) {
      EXPECT_EQ(result.error().code, AgentErrorCode::kDriverError);
      ++failures;
    }
  }
  EXPECT_GT(failures, 60);
  EXPECT_LT(failures, 140);
  EXPECT_EQ(sim->inventory()->vms.size(), static_cast<std::size_t>(200 - failures));
}

TEST_F(SimDriverTest, RemoveDeletesTheVmAndIsIdempotent) {
  auto sim = open(persistent_config());
  ASSERT_TRUE(sim->ensure(sample_spec(), "").ok());
  const int64_t free_before = sim->host_info()->free.storage_bytes;
  EXPECT_TRUE(sim->remove(sample_spec().uid).ok());
  EXPECT_TRUE(sim->remove(sample_spec().uid).ok());
  EXPECT_TRUE(sim->inventory()->vms.empty());
  EXPECT_GT(sim->host_info()->free.storage_bytes, free_before);
  EXPECT_TRUE(open(persistent_config())->inventory()->vms.empty());
}

TEST_F(SimDriverTest, HostInfoAccountsRunningVmsAndStorage) {
  SimConfig config;
  config.capacity = {16, 64 * kGiB, 1024 * kGiB};
  config.unmanaged_vm_count = 3;
  auto sim = open(config);
  ASSERT_TRUE(sim->ensure(sample_spec(), "").ok());
  const auto info = sim->host_info();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->driver, "sim");
  EXPECT_EQ(info->free.cpu, 14);
  EXPECT_EQ(info->free.memory_bytes, 62 * kGiB);
  EXPECT_EQ(info->free.storage_bytes, (1024 - 10 - 3) * kGiB);  // data disk + image-sized OS disk
  EXPECT_EQ(info->vm_count, 1);
  EXPECT_EQ(info->unmanaged_vm_count, 3);
}

}  // namespace
}  // namespace hvo::agent
