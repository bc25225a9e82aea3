#include "controllers/restart_sequence.h"

#include <chrono>

#include "hostagent/protocol/spec_hash.h"

namespace hvo::controllers {
namespace {

using agent::VmState;

bool is_transition(VmState state) {
  return state == VmState::kStarting || state == VmState::kStopping;
}

// The VM booted after the sequence asked for its shutdown: the start already happened (an
// operator that stopped between the ensure and its status write).
bool started_since(const RestartInputs& in) {
  if (!in.progress || !in.progress->started_at)
    return false;
  const auto since = std::chrono::duration_cast<std::chrono::seconds>(
                         in.now.time_point() - in.progress->started_at->time_point())
                         .count();
  return in.uptime_seconds < since;
}

}  // namespace

const char* to_string(RestartStep step) {
  switch (step) {
    case RestartStep::kNone:
      return "None";
    case RestartStep::kBegin:
      return "Begin";
    case RestartStep::kShutdown:
      return "Shutdown";
    case RestartStep::kWait:
      return "Wait";
    case RestartStep::kEnsureAndStart:
      return "EnsureAndStart";
    case RestartStep::kDone:
      return "Done";
    case RestartStep::kApplyWhileOff:
      return "ApplyWhileOff";
    case RestartStep::kHeldByGroup:
      return "HeldByGroup";
  }
  return "None";
}

RestartPlan plan_restart(const RestartInputs& in) {
  if (in.progress) {
    if (in.observed == VmState::kOff)
      return {RestartStep::kEnsureAndStart, in.progress->reason};
    if (in.observed == VmState::kRunning) {
      if (started_since(in))
        return {RestartStep::kDone, in.progress->reason};
      return {RestartStep::kShutdown, in.progress->reason};
    }
    return {RestartStep::kWait, in.progress->reason};  // a transition, saved, paused
  }
  if (in.observed == VmState::kOff && !in.pending_fields.empty())
    return {RestartStep::kApplyWhileOff, ""};
  if (in.observed != VmState::kRunning || is_transition(in.observed))
    return {};
  // Halted stops the VM through its run strategy; the ensure while off then applies the fields.
  if (in.run_strategy == api::RunStrategy::kHalted)
    return {};
  if (in.restart_requested)
    return {RestartStep::kBegin, kRestartRequested};
  if (in.update_strategy == api::UpdateStrategyType::kAutomatic && !in.pending_fields.empty()) {
    if (in.group_busy)
      return {RestartStep::kHeldByGroup, kRestartAutomatic};
    return {RestartStep::kBegin, kRestartAutomatic};
  }
  return {};
}

bool ensure_needed(const std::optional<agent::VmStatus>& observed, const agent::VmSpec& desired) {
  if (!observed || observed->config_drift)
    return true;
  if (observed->applied_spec_hash.empty())
    return observed->object_generation != desired.object_generation;
  return observed->applied_spec_hash != agent::spec_hash(desired);
}

std::string join_fields(const std::vector<std::string>& fields, const char* none) {
  if (fields.empty())
    return none;
  std::string text;
  for (const auto& field : fields)
    text += (text.empty() ? "" : ", ") + field;
  return text;
}

agent::PowerIntent restart_power_intent(api::RunStrategy run_strategy, bool restarting) {
  if (run_strategy == api::RunStrategy::kHalted)
    return agent::PowerIntent::kOff;
  // A restart ends running, whatever the strategy (Manual asked for it by restartRequestedAt).
  if (restarting)
    return agent::PowerIntent::kRunning;
  return run_strategy == api::RunStrategy::kAlways ? agent::PowerIntent::kRunning
                                                   : agent::PowerIntent::kUnchanged;
}

}  // namespace hvo::controllers
