// The power decision table: runStrategy x observed power state x restart request -> action.
#include "controllers/power_policy.h"

#include <gtest/gtest.h>

#include <chrono>

namespace hvo::controllers {
namespace {

using agent::PowerAction;
using agent::VmState;
using api::RunStrategy;

k8s::Time at(int seconds) {
  return k8s::Time(k8s::TimePoint(std::chrono::seconds(seconds)));
}

struct PowerCase {
  const char* name;
  RunStrategy strategy;
  VmState observed;
  bool has_run_before;
  std::optional<int> restart_requested_at;
  std::optional<int> last_restart_time;
  std::optional<PowerAction> expected_action;
  bool expect_restart_acknowledged;
};

// What gtest prints for a row, and so what ctest names it by: a name, not the bytes.
void PrintTo(const PowerCase& c, std::ostream* os) {
  *os << c.name;
}

class PowerPolicyTable : public ::testing::TestWithParam<PowerCase> {};

TEST_P(PowerPolicyTable, DecidesTheAction) {
  const PowerCase& c = GetParam();
  PowerInputs inputs;
  inputs.run_strategy = c.strategy;
  inputs.observed = c.observed;
  inputs.has_run_before = c.has_run_before;
  if (c.restart_requested_at)
    inputs.restart_requested_at = at(*c.restart_requested_at);
  if (c.last_restart_time)
    inputs.last_restart_time = at(*c.last_restart_time);

  const PowerPlan plan = plan_power(inputs);

  if (c.expected_action) {
    ASSERT_TRUE(plan.request.has_value()) << c.name;
    EXPECT_EQ(plan.request->action, *c.expected_action) << c.name;
  } else {
    EXPECT_FALSE(plan.request.has_value()) << c.name;
  }
  EXPECT_EQ(plan.restart_acknowledged.has_value(), c.expect_restart_acknowledged) << c.name;
  if (c.expect_restart_acknowledged) {
    EXPECT_EQ(*plan.restart_acknowledged, at(*c.restart_requested_at)) << c.name;
  }
}

const PowerCase kCases[] = {
    {"AlwaysRunningStaysRunning", RunStrategy::kAlways, VmState::kRunning, true, {}, {}, {}, false},
    {"AlwaysOffStarts",
     RunStrategy::kAlways,
     VmState::kOff,
     true,
     {},
     {},
     PowerAction::kStart,
     false},
    {"AlwaysSavedStarts",
     RunStrategy::kAlways,
     VmState::kSaved,
     true,
     {},
     {},
     PowerAction::kStart,
     false},
    {"AlwaysStoppingWaits", RunStrategy::kAlways, VmState::kStopping, true, {}, {}, {}, false},
    {"AlwaysCriticalIsLeftAlone", RunStrategy::kAlways, VmState::kOther, true, {}, {}, {}, false},
    {"HaltedRunningStops",
     RunStrategy::kHalted,
     VmState::kRunning,
     true,
     {},
     {},
     PowerAction::kShutdown,
     false},
    {"HaltedStartingStops",
     RunStrategy::kHalted,
     VmState::kStarting,
     true,
     {},
     {},
     PowerAction::kShutdown,
     false},
    {"HaltedOffStaysOff", RunStrategy::kHalted, VmState::kOff, true, {}, {}, {}, false},
    {"ManualOffStaysOff", RunStrategy::kManual, VmState::kOff, false, {}, {}, {}, false},
    {"ManualRunningStaysRunning", RunStrategy::kManual, VmState::kRunning, true, {}, {}, {}, false},
    {"RerunOnFailureStartsANewVm",
     RunStrategy::kRerunOnFailure,
     VmState::kOff,
     false,
     {},
     {},
     PowerAction::kStart,
     false},
    {"RerunOnFailureLeavesAGuestShutdownOff",
     RunStrategy::kRerunOnFailure,
     VmState::kOff,
     true,
     {},
     {},
     {},
     false},
    {"RestartRequestRestartsARunningVm", RunStrategy::kAlways, VmState::kRunning, true, 200, 100,
     PowerAction::kRestart, true},
    {"FirstRestartRequestRestarts",
     RunStrategy::kAlways,
     VmState::kRunning,
     true,
     200,
     {},
     PowerAction::kRestart,
     true},
    {"RestartAlreadyDoneIsIgnored",
     RunStrategy::kAlways,
     VmState::kRunning,
     true,
     100,
     100,
     {},
     false},
    {"OlderRestartRequestIsIgnored",
     RunStrategy::kAlways,
     VmState::kRunning,
     true,
     50,
     100,
     {},
     false},
    {"RestartOfAManualVmRestartsIt", RunStrategy::kManual, VmState::kRunning, true, 200, 100,
     PowerAction::kRestart, true},
    {"RestartOfAnOffAlwaysVmStartsAndAcknowledges", RunStrategy::kAlways, VmState::kOff, true, 200,
     100, PowerAction::kStart, true},
    {"RestartOfAHaltedVmDoesNotStartIt",
     RunStrategy::kHalted,
     VmState::kOff,
     true,
     200,
     100,
     {},
     true},
    {"RestartOfARunningHaltedVmStopsIt", RunStrategy::kHalted, VmState::kRunning, true, 200, 100,
     PowerAction::kShutdown, true},
    {"RestartWaitsForAStartingVm",
     RunStrategy::kAlways,
     VmState::kStarting,
     true,
     200,
     100,
     {},
     false},
};

INSTANTIATE_TEST_SUITE_P(Cases, PowerPolicyTable, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(PowerPolicy, TurnOffModeStopsWithoutAskingTheGuest) {
  PowerInputs inputs;
  inputs.run_strategy = RunStrategy::kHalted;
  inputs.observed = VmState::kRunning;
  inputs.shutdown_mode = api::ShutdownMode::kTurnOff;

  const PowerPlan plan = plan_power(inputs);

  ASSERT_TRUE(plan.request);
  EXPECT_EQ(plan.request->action, PowerAction::kTurnOff);
}

TEST(PowerPolicy, GracefulShutdownCarriesTheSpecTimeout) {
  PowerInputs inputs;
  inputs.run_strategy = RunStrategy::kHalted;
  inputs.observed = VmState::kRunning;
  inputs.shutdown_timeout_seconds = 45;

  const PowerPlan plan = plan_power(inputs);

  ASSERT_TRUE(plan.request);
  EXPECT_EQ(plan.request->action, PowerAction::kShutdown);
  EXPECT_EQ(plan.request->timeout_seconds, 45);
  EXPECT_EQ(plan.reason, "RunStrategyHalted");
}

TEST(PowerPolicy, EnsureIntentFollowsTheStrategyOnCreationOnly) {
  EXPECT_EQ(ensure_power_intent(RunStrategy::kAlways, false), agent::PowerIntent::kRunning);
  EXPECT_EQ(ensure_power_intent(RunStrategy::kHalted, true), agent::PowerIntent::kOff);
  EXPECT_EQ(ensure_power_intent(RunStrategy::kManual, false), agent::PowerIntent::kOff);
  EXPECT_EQ(ensure_power_intent(RunStrategy::kManual, true), agent::PowerIntent::kUnchanged);
  EXPECT_EQ(ensure_power_intent(RunStrategy::kRerunOnFailure, false), agent::PowerIntent::kRunning);
  EXPECT_EQ(ensure_power_intent(RunStrategy::kRerunOnFailure, true),
            agent::PowerIntent::kUnchanged);
}

}  // namespace
}  // namespace hvo::controllers
