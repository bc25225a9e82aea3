// One VM of the simulated host and its power state machine:
//   Off --start--> Starting --(start latency)--> Running --shutdown--> Stopping --> Off
//   Running --save--> Saved --start--> Starting;  turnoff: anything --> Off at once.
// Transitions end lazily: settle() moves a VM on when its deadline has passed, so no thread is
// needed and tests control time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hostagent/protocol/agent_result.h"
#include "hostagent/protocol/operation.h"
#include "hostagent/protocol/vm_spec.h"
#include "hostagent/protocol/vm_status.h"
#include "hostagent/sim/sim_config.h"

namespace hvo::agent {

struct SimVm {
  std::string vm_id;        // GUID, fixed at creation
  VmSpec config;            // the VM's current configuration (uid is the owner marker)
  bool configured = false;  // false between creation and the first full convergence
  VmState state = VmState::kOff;
  int64_t transition_ends_at_ms = 0;  // for Starting and Stopping
  int64_t running_since_ms = 0;
  std::string dvd_path;
  // What the last ensure recorded (spec_hash.h): the spec's hash, the configuration's hash
  // after it, and the fields deferred until the VM is off (restart_required_fields).
  std::string applied_spec_hash;
  std::string applied_config_hash;
  std::vector<std::string> restart_required_fields;
};

// Finishes a Starting or Stopping transition whose time has come.
void settle(SimVm& vm, int64_t now_ms);

// Applies a power action to a settled VM. Conflict when the action makes no sense in the VM's
// state (restart an Off VM, save an Off VM, shut down a Saved VM). Starting a VM that already
// runs is success (idempotent). Memory is checked by the caller.
AgentStatus apply_power_action(SimVm& vm, PowerAction action, int64_t now_ms,
                               const SimLatencies& latencies);

// Whether the VM holds host memory and CPUs (Starting, Running, Stopping).
bool holds_memory(const SimVm& vm);

// The inventory entry the agent reports for this VM.
VmStatus sim_vm_status(const SimVm& vm, int64_t now_ms, const std::string& vm_dir);

}  // namespace hvo::agent
