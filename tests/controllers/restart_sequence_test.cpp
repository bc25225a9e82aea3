#include "controllers/restart_sequence.h"

#include <gtest/gtest.h>

#include <chrono>
#include <ostream>

namespace hvo::controllers {
namespace {

using agent::VmState;
using api::RunStrategy;
using api::UpdateStrategyType;

const k8s::Time kNow(k8s::TimePoint(std::chrono::seconds(1'800'000'000)));

api::RestartProgress shutting_down(std::int64_t seconds_ago, const char* reason) {
  api::RestartProgress progress;
  progress.phase = kRestartShuttingDown;
  progress.reason = reason;
  progress.started_at = k8s::Time(kNow.time_point() - std::chrono::seconds(seconds_ago));
  return progress;
}

struct Row {
  const char* name;
  RestartInputs in;
  RestartStep want;
  std::string reason;
};

void PrintTo(const Row& row, std::ostream* os) {
  *os << row.name;
}

RestartInputs inputs(VmState observed, std::vector<std::string> pending = {}) {
  RestartInputs in;
  in.observed = observed;
  in.pending_fields = std::move(pending);
  in.now = kNow;
  in.uptime_seconds = 86'400;
  return in;
}

std::vector<Row> rows() {
  std::vector<Row> out;
  const std::vector<std::string> cpu{"cpu.count", "memory.startupBytes"};
  {
    auto in = inputs(VmState::kRunning, cpu);
    out.push_back({"ManualWithPendingFieldsWaitsForARequest", in, RestartStep::kNone, ""});
    in.restart_requested = true;
    out.push_back({"RequestOnARunningVmBegins", in, RestartStep::kBegin, kRestartRequested});
    in.run_strategy = RunStrategy::kHalted;
    out.push_back({"HaltedLeavesTheStopToTheRunStrategy", in, RestartStep::kNone, ""});
  }
  {
    auto in = inputs(VmState::kRunning, cpu);
    in.update_strategy = UpdateStrategyType::kAutomatic;
    out.push_back({"AutomaticBeginsByItself", in, RestartStep::kBegin, kRestartAutomatic});
    in.group_busy = true;
    out.push_back({"AutomaticWaitsWhileAGroupMemberIsDown", in, RestartStep::kHeldByGroup,
                   kRestartAutomatic});
    in.pending_fields.clear();
    out.push_back({"AutomaticWithNothingPendingDoesNothing", in, RestartStep::kNone, ""});
  }
  {
    auto in = inputs(VmState::kRunning, cpu);
    in.restart_requested = true;
    in.group_busy = true;  // a request is the user's: the group does not hold it
    out.push_back({"RequestIsNotHeldByTheGroup", in, RestartStep::kBegin, kRestartRequested});
  }
  out.push_back({"OffWithPendingFieldsAppliesThemWhileOff", inputs(VmState::kOff, cpu),
                 RestartStep::kApplyWhileOff, ""});
  out.push_back(
      {"OffWithNothingPendingDoesNothing", inputs(VmState::kOff), RestartStep::kNone, ""});
  out.push_back({"StartingVmIsLeftAlone",
                 [&] {
                   auto in = inputs(VmState::kStarting, cpu);
                   in.restart_requested = true;
                   return in;
                 }(),
                 RestartStep::kNone, ""});
  // The tracked sequence, resumed from status after any step.
  {
    auto in = inputs(VmState::kStopping, cpu);
    in.progress = shutting_down(10, kRestartRequested);
    out.push_back({"StoppingVmIsWaitedFor", in, RestartStep::kWait, kRestartRequested});
    in.observed = VmState::kOff;
    out.push_back(
        {"OffVmIsEnsuredAndStarted", in, RestartStep::kEnsureAndStart, kRestartRequested});
    in.observed = VmState::kRunning;
    out.push_back({"RunningSinceBeforeTheShutdownIsAskedAgain", in, RestartStep::kShutdown,
                   kRestartRequested});
    in.uptime_seconds = 3;
    out.push_back(
        {"RunningSinceTheSequenceBeganIsDone", in, RestartStep::kDone, kRestartRequested});
    in.observed = VmState::kSaved;
    out.push_back({"SavedVmIsWaitedFor", in, RestartStep::kWait, kRestartRequested});
  }
  return out;
}

class RestartSequencePlan : public ::testing::TestWithParam<Row> {};

TEST_P(RestartSequencePlan, DecidesTheNextStep) {
  const Row& row = GetParam();
  const RestartPlan plan = plan_restart(row.in);
  EXPECT_EQ(to_string(plan.step), std::string(to_string(row.want)));
  EXPECT_EQ(plan.reason, row.reason);
}

INSTANTIATE_TEST_SUITE_P(Rows, RestartSequencePlan, ::testing::ValuesIn(rows()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(RestartPowerIntent, ARestartEndsRunningUnlessHalted) {
  EXPECT_EQ(restart_power_intent(RunStrategy::kManual, true), agent::PowerIntent::kRunning);
  EXPECT_EQ(restart_power_intent(RunStrategy::kHalted, true), agent::PowerIntent::kOff);
  EXPECT_EQ(restart_power_intent(RunStrategy::kManual, false), agent::PowerIntent::kUnchanged);
  EXPECT_EQ(restart_power_intent(RunStrategy::kAlways, false), agent::PowerIntent::kRunning);
}

}  // namespace
}  // namespace hvo::controllers
