// Applying the changes that need a VM off: one tracked sequence, decided here as a pure function
// of the VM's recorded progress (status.restart) and what its host reports.
//
//   Running, restart asked for ──begin──▶ ShuttingDown ──VM Off──▶ ensure while off, start ──▶ done
//
// A restart is asked for by spec.restartRequestedAt (newer than status.lastRestartTime) or, with
// spec.updateStrategy Automatic, by fields the host reports pending (restartRequiredFields) while
// no other member of the VM's antiAffinityGroup is down. The progress is written to status
// before the shutdown is asked for, so an operator restarted at any step carries on: a VM found
// Off finishes with the ensure; one found running again since the sequence began (uptime
// shorter than the time since startedAt) was already started, and the sequence ends.
//
// A VM that is off with pending fields (stopped by its runStrategy, or by hand) needs no
// sequence: one ensure while off applies them, and starts it when the run strategy says so.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/k8s/time.h"
#include "api/v1alpha1/enums.h"
#include "api/v1alpha1/virtual_machine_types.h"
#include "hostagent/protocol/vm_spec.h"
#include "hostagent/protocol/vm_status.h"

namespace hvo::controllers {

inline constexpr const char* kRestartShuttingDown = "ShuttingDown";
inline constexpr const char* kRestartRequested = "RestartRequested";
inline constexpr const char* kRestartAutomatic = "UpdateStrategyAutomatic";

struct RestartInputs {
  std::optional<api::RestartProgress> progress;  // status.restart
  agent::VmState observed = agent::VmState::kOff;
  std::int64_t uptime_seconds = 0;
  std::vector<std::string> pending_fields;  // the host's restartRequiredFields
  bool restart_requested = false;           // restart_pending(restartRequestedAt, lastRestart)
  api::UpdateStrategyType update_strategy = api::UpdateStrategyType::kManual;
  api::RunStrategy run_strategy = api::RunStrategy::kAlways;
  // Another member of the VM's antiAffinityGroup is restarting or not Ready.
  bool group_busy = false;
  k8s::Time now;
};

enum class RestartStep {
  kNone,            // nothing to do here: power follows the run strategy
  kBegin,           // record the progress, then ask for the shutdown (spec.shutdown)
  kShutdown,        // the progress is recorded but the VM still runs: ask again
  kWait,            // stopping (or in a state Hyper-V cannot change): come back
  kEnsureAndStart,  // off: ensure (every pending field applies), start per run strategy, done
  kDone,            // started again since the sequence began: clear the progress
  kApplyWhileOff,   // off without a sequence, fields pending: one ensure applies them
  kHeldByGroup,     // Automatic, fields pending, but another group member is down
};
const char* to_string(RestartStep step);

struct RestartPlan {
  RestartStep step = RestartStep::kNone;
  std::string reason;  // kBegin: kRestartRequested | kRestartAutomatic
};

RestartPlan plan_restart(const RestartInputs& inputs);

// Whether the agent must be sent the desired spec: the VM is missing, was edited by hand on the
// host (configDrift), or holds another spec than `desired` (its applied-spec hash, or for an
// agent that records none, its generation marker). A VM whose only difference is fields that
// wait for it to be off is not sent the same spec again on every pass.
bool ensure_needed(const std::optional<agent::VmStatus>& observed, const agent::VmSpec& desired);

// "cpu.count, memory.startupBytes", or `none` for an empty list.
std::string join_fields(const std::vector<std::string>& fields, const char* none = "nothing");

// The power an ensure that ends a restart (or applies fields while off) leaves the VM in.
agent::PowerIntent restart_power_intent(api::RunStrategy run_strategy, bool restarting);

}  // namespace hvo::controllers
