#include "controllers/power_policy.h"

namespace hvo::controllers {
namespace {

using agent::PowerAction;
using agent::VmState;

bool is_up(VmState state) {
  return state == VmState::kRunning || state == VmState::kStarting;
}
// Off, saved and paused VMs start (Start-VM resumes a saved or paused one).
bool is_startable(VmState state) {
  return state == VmState::kOff || state == VmState::kSaved || state == VmState::kPaused;
}

agent::PowerRequest request(PowerAction action, std::int64_t timeout_seconds = 0) {
  agent::PowerRequest power;
  power.action = action;
  power.timeout_seconds = timeout_seconds;
  return power;
}

agent::PowerRequest stop_request(const PowerInputs& inputs) {
  if (inputs.shutdown_mode == api::ShutdownMode::kTurnOff)
    return request(PowerAction::kTurnOff);
  return request(PowerAction::kShutdown, inputs.shutdown_timeout_seconds);
}

// What the run strategy wants for a VM in its observed state, ignoring restart requests.
PowerPlan plan_for_strategy(const PowerInputs& inputs) {
  PowerPlan plan;
  switch (inputs.run_strategy) {
    case api::RunStrategy::kAlways:
      plan.reason = "RunStrategyAlways";
      if (is_startable(inputs.observed))
        plan.request = request(PowerAction::kStart);
      break;
    case api::RunStrategy::kHalted:
      plan.reason = "RunStrategyHalted";
      if (is_up(inputs.observed))
        plan.request = stop_request(inputs);
      break;
    case api::RunStrategy::kManual:
      plan.reason = "RunStrategyManual";
      break;
    case api::RunStrategy::kRerunOnFailure:
      plan.reason = "RunStrategyRerunOnFailure";
      if (!inputs.has_run_before && is_startable(inputs.observed))
        plan.request = request(PowerAction::kStart);
      break;
  }
  return plan;
}

}  // namespace

bool restart_pending(const std::optional<k8s::Time>& requested_at,
                     const std::optional<k8s::Time>& last_restart_time) {
  if (!requested_at)
    return false;
  return !last_restart_time || *requested_at > *last_restart_time;
}

PowerPlan plan_power(const PowerInputs& inputs) {
  PowerPlan plan = plan_for_strategy(inputs);
  if (!restart_pending(inputs.restart_requested_at, inputs.last_restart_time))
    return plan;

  // A restart of a running VM wins over the strategy (which would leave it running anyway,
  // except Halted, whose stop also answers the request). A VM in transition is restarted once
  // it settled: nothing is acknowledged yet.
  if (inputs.observed == VmState::kRunning && inputs.run_strategy != api::RunStrategy::kHalted) {
    const bool graceful = inputs.shutdown_mode == api::ShutdownMode::kGraceful;
    plan.request = request(PowerAction::kRestart, graceful ? inputs.shutdown_timeout_seconds : 0);
    plan.reason = "RestartRequested";
    plan.restart_acknowledged = inputs.restart_requested_at;
  } else if (inputs.observed != VmState::kStarting && inputs.observed != VmState::kStopping) {
    // Off (or being stopped by the strategy): whatever start follows is a fresh boot.
    plan.restart_acknowledged = inputs.restart_requested_at;
  }
  return plan;
}

agent::PowerIntent ensure_power_intent(api::RunStrategy run_strategy, bool vm_exists) {
  switch (run_strategy) {
    case api::RunStrategy::kAlways:
      return agent::PowerIntent::kRunning;
    case api::RunStrategy::kHalted:
      return agent::PowerIntent::kOff;
    case api::RunStrategy::kManual:
      return vm_exists ? agent::PowerIntent::kUnchanged : agent::PowerIntent::kOff;
    case api::RunStrategy::kRerunOnFailure:
      return vm_exists ? agent::PowerIntent::kUnchanged : agent::PowerIntent::kRunning;
  }
  return agent::PowerIntent::kUnchanged;
}

}  // namespace hvo::controllers
