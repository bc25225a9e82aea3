// Mutating calls (ensure, power, delete) run as operations: the agent answers 200 with the
// finished operation when it completes quickly, else 202 with its id to poll at
// GET /v1/operations/{id}.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hostagent/protocol/agent_result.h"
#include "hostagent/protocol/error_body.h"
#include "hostagent/protocol/migrate.h"
#include "hostagent/protocol/vm_status.h"

namespace hvo::agent {

enum class PowerAction { kStart, kShutdown, kTurnOff, kRestart, kSave };
const char* to_string(PowerAction action);  // wire: start | shutdown | turnoff | restart | save
std::optional<PowerAction> parse_power_action(std::string_view text);

// POST /v1/vms/{uid}/power. shutdown and restart ask the guest first and pull the plug after
// timeoutSeconds, as Hyper-V has no timeout of its own.
struct PowerRequest {
  PowerAction action = PowerAction::kStart;
  int64_t timeout_seconds = 120;
};

struct EnsureResult {
  VmStatus vm;
  bool created = false;                     // this call created the VM
  std::vector<std::string> changed_fields;  // spec fields this call changed on the VM
  // Spec fields that differ from the VM and that Hyper-V cannot change at all (generation, base
  // image, shrinking a disk); the restart-required ones are in vm.restart_required_fields.
  std::vector<std::string> unsupported_fields;
};

enum class OperationKind { kEnsure, kPower, kDelete, kMigrate };
const char* to_string(OperationKind kind);
enum class OperationState { kPending, kRunning, kSucceeded, kFailed };
const char* to_string(OperationState state);

struct Operation {
  std::string id;
  OperationKind kind = OperationKind::kEnsure;
  std::string uid;
  OperationState state = OperationState::kPending;
  int64_t created_at_unix_ms = 0;
  int64_t finished_at_unix_ms = 0;              // 0 while not finished
  std::optional<EnsureResult> ensure_result;    // a finished ensure
  std::optional<VmStatus> vm;                   // a finished power action
  std::optional<ErrorBody> error;               // a failed operation
  std::optional<MigrateResult> migrate_result;  // a finished migrate
  std::optional<int64_t> progress_percent;      // how far a running migrate got, 0..100

  bool finished() const {
    return state == OperationState::kSucceeded || state == OperationState::kFailed;
  }
};

void to_json(nlohmann::json& json, const PowerRequest& request);
void to_json(nlohmann::json& json, const EnsureResult& result);
void to_json(nlohmann::json& json, const Operation& operation);
AgentResult<PowerRequest> parse_power_request(std::string_view body);
AgentResult<Operation> parse_operation(std::string_view body);
// Parses an error response body; a body that is not an ErrorBody becomes Internal quoting it.
ErrorBody parse_error_body(std::string_view body);

}  // namespace hvo::agent
