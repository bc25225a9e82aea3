// The failover decision table: host Ready/Reachable x spec.fenced x the VM's availability x time
// since the host turned NotReady -> nothing, wait (with the time left), fail over, or never.
#include "controllers/failover_planner.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

namespace hvo::controllers {
namespace {

using std::chrono::milliseconds;

k8s::Time at(int seconds) {
  return k8s::Time(k8s::TimePoint(std::chrono::seconds(seconds)));
}

k8s::Condition condition(const char* type, k8s::ConditionStatus status, int since,
                         const char* reason) {
  k8s::Condition c;
  c.type = type;
  c.status = status;
  c.last_transition_time = at(since);
  c.reason = reason;
  return c;
}

constexpr auto kTrue = k8s::ConditionStatus::kTrue;
constexpr auto kFalse = k8s::ConditionStatus::kFalse;

struct FailoverCase {
  const char* name;
  std::optional<k8s::ConditionStatus> ready;  // absent: the host never reported
  std::optional<k8s::ConditionStatus> reachable;
  bool fenced;
  std::optional<bool> restart_on_host_failure;  // absent: no spec.availability
  const char* timeout;
  int now;  // seconds; the host turned NotReady at 1000
  FailoverAction action;
  const char* reason;
  std::optional<int> remaining_seconds;
};

void PrintTo(const FailoverCase& c, std::ostream* os) {
  *os << c.name;
}

class FailoverPlannerTable : public ::testing::TestWithParam<FailoverCase> {};

TEST_P(FailoverPlannerTable, Decides) {
  const FailoverCase& c = GetParam();
  FailoverInputs inputs;
  inputs.host = "hv-01";
  if (c.ready)
    inputs.ready = condition("Ready", *c.ready, 1000, "HeartbeatTimeout");
  if (c.reachable)
    inputs.reachable = condition("Reachable", *c.reachable, 900, "AgentUnreachable");
  inputs.fenced = c.fenced;
  if (c.restart_on_host_failure) {
    api::AvailabilitySpec availability;
    availability.restart_on_host_failure = *c.restart_on_host_failure;
    availability.host_failure_timeout = c.timeout;
    inputs.availability = availability;
  }
  inputs.now = at(c.now);

  const FailoverPlan plan = plan_failover(inputs);

  EXPECT_EQ(to_string(plan.action), std::string(to_string(c.action)));
  EXPECT_EQ(plan.reason, c.reason);
  if (c.remaining_seconds) {
    ASSERT_TRUE(plan.remaining.has_value());
    EXPECT_EQ(*plan.remaining, milliseconds(*c.remaining_seconds * 1000));
  } else {
    EXPECT_FALSE(plan.remaining.has_value());
  }
  if (plan.action != FailoverAction::kNone) {
    // Every answer that leaves the VM where it is names the host, so a person knows which one.
    EXPECT_NE(plan.message.find("hv-01"), std::string::npos) << plan.message;
  } else {
    EXPECT_TRUE(plan.message.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rows, FailoverPlannerTable,
    ::testing::Values(
        FailoverCase{"ReadyHostIsNotLost", kTrue, kTrue, true, true, "5m", 5000,
                     FailoverAction::kNone, "", std::nullopt},
        FailoverCase{"ReadyButNotAnsweringIsNotLostYet", kTrue, kFalse, true, true, "5m", 5000,
                     FailoverAction::kNone, "", std::nullopt},
        FailoverCase{"HostThatNeverReportedIsNotLost", std::nullopt, std::nullopt, true, true, "0",
                     5000, FailoverAction::kNone, "", std::nullopt},
        FailoverCase{"NotReadyButAnsweringAgainIsNotLost", kFalse, kTrue, true, true, "0", 5000,
                     FailoverAction::kNone, "", std::nullopt},
        FailoverCase{"NoAvailabilityWaitsForTheHost", kFalse, kFalse, true, std::nullopt, "5m",
                     5000, FailoverAction::kNever, "NotOptedIn", std::nullopt},
        FailoverCase{"OptedOutWaitsForTheHostEvenFenced", kFalse, kFalse, true, false, "0", 5000,
                     FailoverAction::kNever, "NotOptedIn", std::nullopt},
        FailoverCase{"UnfencedNeverMovesEvenLongPastTheTimeout", kFalse, kFalse, false, true, "1s",
                     100000, FailoverAction::kNever, "AwaitingFencing", std::nullopt},
        FailoverCase{"UnfencedWithoutReachableConditionNeverMoves", kFalse, std::nullopt, false,
                     true, "0", 5000, FailoverAction::kNever, "AwaitingFencing", std::nullopt},
        FailoverCase{"FencedWaitsOutTheTimeout", kFalse, kFalse, true, true, "5m", 1060,
                     FailoverAction::kWait, "FailoverPending", 240},
        FailoverCase{"FencedAtTheFirstInstantWaitsTheWholeTimeout", kFalse, kFalse, true, true,
                     "1m30s", 1000, FailoverAction::kWait, "FailoverPending", 90},
        FailoverCase{"FencedAndTimeoutReachedFailsOver", kFalse, kFalse, true, true, "5m", 1300,
                     FailoverAction::kFailOver, "FailedOver", std::nullopt},
        FailoverCase{"FencedLongPastTheTimeoutFailsOver", kFalse, kFalse, true, true, "2s", 90000,
                     FailoverAction::kFailOver, "FailedOver", std::nullopt},
        FailoverCase{"ZeroTimeoutFailsOverOnceFenced", kFalse, kFalse, true, true, "0", 1000,
                     FailoverAction::kFailOver, "FailedOver", std::nullopt},
        FailoverCase{"UnparsableTimeoutNeverMoves", kFalse, kFalse, true, true, "soon", 90000,
                     FailoverAction::kNever, "AwaitingFencing", std::nullopt}));

TEST(FailoverPlanner, MessagesSayWhatTheVmWaitsFor) {
  FailoverInputs inputs;
  inputs.host = "hv-07";
  inputs.ready = condition("Ready", kFalse, 1000, "HeartbeatTimeout");
  inputs.reachable = condition("Reachable", kFalse, 900, "AgentUnreachable");
  api::AvailabilitySpec availability;
  availability.restart_on_host_failure = true;
  inputs.availability = availability;
  inputs.now = at(1010);

  const FailoverPlan unfenced = plan_failover(inputs);
  EXPECT_NE(unfenced.message.find("spec.fenced"), std::string::npos) << unfenced.message;
  EXPECT_NE(unfenced.message.find("HeartbeatTimeout"), std::string::npos) << unfenced.message;
  EXPECT_NE(unfenced.message.find(at(1000).to_string()), std::string::npos) << unfenced.message;

  inputs.fenced = true;
  const FailoverPlan pending = plan_failover(inputs);
  EXPECT_NE(pending.message.find("in 290s"), std::string::npos) << pending.message;
  EXPECT_NE(pending.message.find("hostFailureTimeout 5m"), std::string::npos) << pending.message;

  inputs.availability.reset();
  const FailoverPlan not_opted = plan_failover(inputs);
  EXPECT_NE(not_opted.message.find("restartOnHostFailure"), std::string::npos) << not_opted.message;
}

}  // namespace
}  // namespace hvo::controllers
