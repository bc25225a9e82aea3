// HyperVHost status from agent polls: allocatable, heartbeat throttling, Ready/Reachable with
// the heartbeat timeout, and writing only on change.
#include "controllers/host_status.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "controllers/conditions.h"

namespace hvo::controllers {
namespace {

constexpr std::int64_t kGi = 1LL << 30;

k8s::Time at(int seconds) {
  return k8s::Time(k8s::TimePoint(std::chrono::seconds(seconds)));
}

api::HyperVHost host() {
  auto host = api::HyperVHost::from_json(nlohmann::json::parse(R"({
    "apiVersion": "hyperv.operator.io/v1alpha1", "kind": "HyperVHost",
    "metadata": {"name": "hv-01", "generation": 2},
    "spec": {"address": "https://hv-01:9443",
             "credentialsSecretRef": {"name": "hv-01-agent", "namespace": "hyperv-system"},
             "reserved": {"cpu": 2, "memory": "8Gi"},
             "overcommit": {"cpuRatio": 4, "memoryRatio": 1.5}}
  })"));
  EXPECT_TRUE(host.ok()) << host.error().message();
  return std::move(host).value();
}

agent::HostInfo info() {
  agent::HostInfo info;
  info.name = "HV-01";
  info.agent_version = "0.1.0";
  info.os = "Windows Server 2025";
  info.capacity = {32, 136 * kGi, 2048 * kGi};
  info.capabilities = {"tpm", "secureBoot"};
  info.switches = {{"external", "External"}};
  info.images = {{"ubuntu-24.04", 10 * kGi}};
  info.vm_count = 3;
  info.unmanaged_vm_count = 1;
  return info;
}

HostPoll success(int now) {
  HostPoll poll;
  poll.info = info();
  poll.now = at(now);
  poll.last_contact = at(now);
  poll.allocated = {6, 12 * kGi, 100 * kGi};
  return poll;
}

HostPoll failure(int now, std::optional<int> last_contact) {
  HostPoll poll;
  poll.failure_reason = "AgentUnreachable";
  poll.failure_message = "host hv-01: host_info: connection refused";
  poll.now = at(now);
  if (last_contact)
    poll.last_contact = at(*last_contact);
  poll.allocated = {6, 12 * kGi, 100 * kGi};
  return poll;
}

const HeartbeatSettings kSettings{std::chrono::seconds(120), std::chrono::seconds(60)};

TEST(HostAllocatable, CapacityLessReservedTimesOvercommit) {
  const ResourceAmounts allocatable = host_allocatable(info().capacity, host().spec);
  EXPECT_EQ(allocatable.cpu, (32 - 2) * 4);
  EXPECT_EQ(allocatable.memory, (128 * kGi) * 3 / 2);
  EXPECT_EQ(allocatable.storage, 2048 * kGi);
}

TEST(HostAllocatable, ReservedBeyondCapacityIsZeroNotNegative) {
  api::HyperVHostSpec spec = host().spec;
  spec.reserved->cpu = 64;
  EXPECT_EQ(host_allocatable(info().capacity, spec).cpu, 0);
}

TEST(HostStatus, FirstSuccessfulPollFillsEverythingAndIsReady) {
  const HostStatusUpdate update = next_host_status(host(), success(1000), kSettings);

  EXPECT_TRUE(update.changed);
  EXPECT_TRUE(update.ready);
  const auto& status = update.status;
  EXPECT_EQ(status.observed_generation, 2);
  EXPECT_EQ(status.last_heartbeat_time, at(1000));
  EXPECT_EQ(status.agent_version, "0.1.0");
  ASSERT_TRUE(status.allocatable);
  EXPECT_EQ(status.allocatable->cpu, 120);
  ASSERT_TRUE(status.allocated);
  EXPECT_EQ(status.allocated->memory.value(), 12 * kGi);
  EXPECT_EQ(status.capabilities, (std::vector<std::string>{"secureBoot", "tpm"}));
  EXPECT_EQ(status.vm_count, 3);
  EXPECT_EQ(status.unmanaged_vm_count, 1);
  ASSERT_TRUE(status.summary);
  EXPECT_EQ(status.summary->cpu, "6/120");
  EXPECT_EQ(status.summary->memory, "12Gi/192Gi");
  EXPECT_TRUE(k8s::is_true(status.conditions, condition_type::kReady));
  EXPECT_TRUE(k8s::is_true(status.conditions, condition_type::kReachable));
}

TEST(HostStatus, IdleHostIsNotRewrittenWithinTheHeartbeatInterval) {
  api::HyperVHost current = host();
  current.status = next_host_status(current, success(1000), kSettings).status;

  const HostStatusUpdate soon = next_host_status(current, success(1030), kSettings);
  EXPECT_FALSE(soon.changed);
  EXPECT_EQ(soon.status.last_heartbeat_time, at(1000));

  const HostStatusUpdate a_minute_later = next_host_status(current, success(1060), kSettings);
  EXPECT_TRUE(a_minute_later.changed);
  EXPECT_EQ(a_minute_later.status.last_heartbeat_time, at(1060));
}

TEST(HostStatus, FirstPollAfterARestartLeavesAHeartbeatYoungerThanTheRefreshAgeAlone) {
  EXPECT_EQ(restart_refresh_age(kSettings), std::chrono::seconds(90));
  api::HyperVHost current = host();
  current.status = next_host_status(current, success(1000), kSettings).status;

  HostPoll after_restart = success(1089);
  after_restart.first_since_start = true;
  const HostStatusUpdate idle = next_host_status(current, after_restart, kSettings);
  EXPECT_FALSE(idle.changed);
  EXPECT_EQ(idle.status.last_heartbeat_time, at(1000));

  after_restart = success(1090);
  after_restart.first_since_start = true;
  const HostStatusUpdate stale = next_host_status(current, after_restart, kSettings);
  EXPECT_TRUE(stale.changed);
  EXPECT_EQ(stale.status.last_heartbeat_time, at(1090));
}

TEST(HostStatus, FirstPollAfterARestartThatWritesAnywayMovesAMinuteOldHeartbeat) {
  api::HyperVHost current = host();
  current.status = next_host_status(current, success(1000), kSettings).status;
  HostPoll after_restart = success(1070);
  after_restart.first_since_start = true;
  after_restart.allocated.cpu = 8;

  const HostStatusUpdate update = next_host_status(current, after_restart, kSettings);
  EXPECT_TRUE(update.changed);
  EXPECT_EQ(update.status.last_heartbeat_time, at(1070));
}

TEST(HostStatus, ChangedAllocationIsWrittenAtOnce) {
  api::HyperVHost current = host();
  current.status = next_host_status(current, success(1000), kSettings).status;
  HostPoll poll = success(1010);
  poll.allocated.cpu = 8;

  EXPECT_TRUE(next_host_status(current, poll, kSettings).changed);
}

TEST(HostStatus, MissedPollWithinTimeoutIsUnreachableButStillReady) {
  api::HyperVHost current = host();
  current.status = next_host_status(current, success(1000), kSettings).status;

  const HostStatusUpdate update = next_host_status(current, failure(1050, 1000), kSettings);

  EXPECT_TRUE(update.changed);
  EXPECT_TRUE(update.ready);
  EXPECT_TRUE(k8s::is_true(update.status.conditions, condition_type::kReady));
  const auto* reachable = k8s::find_condition(update.status.conditions, condition_type::kReachable);
  ASSERT_NE(reachable, nullptr);
  EXPECT_EQ(reachable->status, k8s::ConditionStatus::kFalse);
  EXPECT_EQ(reachable->reason, "AgentUnreachable");
  EXPECT_EQ(update.status.agent_version, "0.1.0");  // the last observation stays
}

TEST(HostStatus, HeartbeatTimeoutMakesTheHostNotReady) {
  api::HyperVHost current = host();
  current.status = next_host_status(current, success(1000), kSettings).status;

  const HostStatusUpdate update = next_host_status(current, failure(1120, 1000), kSettings);

  EXPECT_FALSE(update.ready);
  const auto* ready = k8s::find_condition(update.status.conditions, condition_type::kReady);
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->status, k8s::ConditionStatus::kFalse);
  EXPECT_EQ(ready->reason, "HeartbeatTimeout");
  EXPECT_EQ(ready->message,
            "No answer from the agent for more than 120s: host hv-01: host_info: connection "
            "refused");
  EXPECT_EQ(ready->last_transition_time, at(1120));
}

TEST(HostStatus, NeverReachedHostIsNotReadyWithTheFailure) {
  const HostStatusUpdate update = next_host_status(host(), failure(1000, std::nullopt), kSettings);

  EXPECT_FALSE(update.ready);
  const auto* ready = k8s::find_condition(update.status.conditions, condition_type::kReady);
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->reason, "AgentUnreachable");
}

TEST(HostStatus, RecoveryMakesItReadyAgain) {
  api::HyperVHost current = host();
  current.status = next_host_status(current, success(1000), kSettings).status;
  current.status = next_host_status(current, failure(1200, 1000), kSettings).status;

  const HostStatusUpdate update = next_host_status(current, success(1300), kSettings);

  EXPECT_TRUE(update.ready);
  EXPECT_TRUE(k8s::is_true(update.status.conditions, condition_type::kReady));
  EXPECT_TRUE(k8s::is_true(update.status.conditions, condition_type::kReachable));
}

}  // namespace
}  // namespace hvo::controllers
