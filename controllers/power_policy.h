// What to do about a VM's power, as a pure function of spec.runStrategy, the power state the
// agent reports and the restart request (spec.restartRequestedAt newer than
// status.lastRestartTime). The reconciler asks the agent for the action and, once it succeeded,
// records restart_acknowledged as status.lastRestartTime.
//
// runStrategy, as in KubeVirt:
//   Always          keep it running: start it whenever it is off.
//   Halted          keep it off: stop it whenever it runs.
//   Manual          never start or stop on its own; a restart request restarts a running VM.
//   RerunOnFailure  start it once; if the guest later powers itself off, that is its choice and
//                   the VM stays off. (Hyper-V restarts a crashed guest itself, so a VM that
//                   failed never shows as off.)
#pragma once

#include <optional>
#include <string>

#include "api/k8s/time.h"
#include "api/v1alpha1/enums.h"
#include "hostagent/protocol/operation.h"
#include "hostagent/protocol/vm_spec.h"
#include "hostagent/protocol/vm_status.h"

namespace hvo::controllers {

struct PowerInputs {
  api::RunStrategy run_strategy = api::RunStrategy::kAlways;
  agent::VmState observed = agent::VmState::kOff;
  // The VM ran before (status showed Running, Stopping or Stopped since it was provisioned).
  bool has_run_before = false;
  std::optional<k8s::Time> restart_requested_at;  // spec.restartRequestedAt
  std::optional<k8s::Time> last_restart_time;     // status.lastRestartTime
  api::ShutdownMode shutdown_mode = api::ShutdownMode::kGraceful;
  std::int64_t shutdown_timeout_seconds = 120;
};

struct PowerPlan {
  std::optional<agent::PowerRequest> request;  // none: leave the power alone
  // The restart request this plan answers (by restarting, or because a VM that stays off needs
  // no restart); written to status.lastRestartTime once the request (if any) succeeded.
  std::optional<k8s::Time> restart_acknowledged;
  std::string reason;  // why, for the log and the Event: "RunStrategyAlways", "RestartRequested"
};

// Whether spec.restartRequestedAt asks for a restart not yet done.
bool restart_pending(const std::optional<k8s::Time>& requested_at,
                     const std::optional<k8s::Time>& last_restart_time);

PowerPlan plan_power(const PowerInputs& inputs);

// The power the agent should leave the VM in after ensure: what the run strategy wants on
// creation; afterwards power changes go through plan_power() and /power.
agent::PowerIntent ensure_power_intent(api::RunStrategy run_strategy, bool vm_exists);

}  // namespace hvo::controllers
