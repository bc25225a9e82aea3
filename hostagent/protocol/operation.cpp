#include "hostagent/protocol/operation.h"

#include <nlohmann/json.hpp>

#include "hostagent/protocol/json_fields.h"

namespace hvo::agent {
namespace {

template <typename Enum, std::size_t N>
const char* name_of(const std::pair<Enum, const char*> (&table)[N], Enum value) {
  for (const auto& [entry, name] : table) {
    if (entry == value)
      return name;
  }
  return table[0].second;
}

template <typename Enum, std::size_t N>
std::optional<Enum> value_of(const std::pair<Enum, const char*> (&table)[N],
                             std::string_view text) {
  for (const auto& [entry, name] : table) {
    if (text == name)
      return entry;
  }
  return std::nullopt;
}

const std::pair<PowerAction, const char*> kPowerActions[] = {
    {PowerAction::kStart, "start"},     {PowerAction::kShutdown, "shutdown"},
    {PowerAction::kTurnOff, "turnoff"}, {PowerAction::kRestart, "restart"},
    {PowerAction::kSave, "save"},
};
const std::pair<OperationKind, const char*> kKinds[] = {
    {OperationKind::kEnsure, "ensure"},
    {OperationKind::kPower, "power"},
    {OperationKind::kDelete, "delete"},
    {OperationKind::kMigrate, "migrate"},
};
const std::pair<OperationState, const char*> kStates[] = {
    {OperationState::kPending, "Pending"},
    {OperationState::kRunning, "Running"},
    {OperationState::kSucceeded, "Succeeded"},
    {OperationState::kFailed, "Failed"},
};

EnsureResult read_ensure_result(const nlohmann::json& json, const std::string& path) {
  wire::ObjectReader r(json, path);
  EnsureResult result;
  const auto* vm = r.child("vm");
  if (vm == nullptr)
    throw wire::FieldError(r.path_of("vm"), "required");
  result.vm = wire::read_vm_status(*vm, r.path_of("vm"));
  result.created = r.boolean("created").value_or(false);
  result.changed_fields = r.string_list("changedFields");
  result.unsupported_fields = r.string_list("unsupportedFields");
  return result;
}

}  // namespace

const char* to_string(PowerAction action) {
  return name_of(kPowerActions, action);
}
std::optional<PowerAction> parse_power_action(std::string_view text) {
  return value_of(kPowerActions, text);
}
const char* to_string(OperationKind kind) {
  return name_of(kKinds, kind);
}
const char* to_string(OperationState state) {
  return name_of(kStates, state);
}

void to_json(nlohmann::json& json, const PowerRequest& request) {
  json = {{"action", to_string(request.action)}, {"timeoutSeconds", request.timeout_seconds}};
}

void to_json(nlohmann::json& json, const EnsureResult& result) {
  json = {{"vm", result.vm},
          {"created", result.created},
          {"changedFields", result.changed_fields},
          {"unsupportedFields", result.unsupported_fields}};
}

void to_json(nlohmann::json& json, const Operation& op) {
  json = nlohmann::json::object();
  json["id"] = op.id;
  json["kind"] = to_string(op.kind);
  json["uid"] = op.uid;
  json["state"] = to_string(op.state);
  json["createdAtUnixMs"] = op.created_at_unix_ms;
  if (op.finished_at_unix_ms != 0)
    json["finishedAtUnixMs"] = op.finished_at_unix_ms;
  if (op.ensure_result)
    json["ensureResult"] = *op.ensure_result;
  if (op.vm)
    json["vm"] = *op.vm;
  if (op.error)
    json["error"] = *op.error;
  if (op.migrate_result)
    json["migrateResult"] = *op.migrate_result;
  if (op.progress_percent)
    json["progressPercent"] = *op.progress_percent;
}

AgentResult<PowerRequest> parse_power_request(std::string_view body) {
  return wire::parse_body<PowerRequest>(body, "power request", [](const nlohmann::json& json) {
    wire::ObjectReader r(json, "");
    PowerRequest request;
    const auto action = parse_power_action(r.required_string("action"));
    if (!action) {
      throw wire::FieldError("action", "must be start, shutdown, turnoff, restart or save");
    }
    request.action = *action;
    request.timeout_seconds = r.integer("timeoutSeconds").value_or(request.timeout_seconds);
    if (request.timeout_seconds < 0 || request.timeout_seconds > 3600) {
      throw wire::FieldError("timeoutSeconds", "must be between 0 and 3600");
    }
    return request;
  });
}

AgentResult<Operation> parse_operation(std::string_view body) {
  return wire::parse_body<Operation>(body, "operation", [](const nlohmann::json& json) {
    wire::ObjectReader r(json, "");
    Operation op;
    op.id = r.required_string("id");
    op.kind = value_of(kKinds, r.string("kind").value_or("")).value_or(OperationKind::kEnsure);
    op.uid = r.string("uid").value_or("");
    const auto state = value_of(kStates, r.required_string("state"));
    if (!state)
      throw wire::FieldError("state", "unknown operation state");
    op.state = *state;
    op.created_at_unix_ms = r.integer("createdAtUnixMs").value_or(0);
    op.finished_at_unix_ms = r.integer("finishedAtUnixMs").value_or(0);
    if (const auto* ensure = r.child("ensureResult")) {
      op.ensure_result = read_ensure_result(*ensure, "ensureResult");
    }
    if (const auto* vm = r.child("vm"))
      op.vm = wire::read_vm_status(*vm, "vm");
    if (const auto* error = r.child("error"))
      op.error = error->get<ErrorBody>();
    if (const auto* migrated = r.child("migrateResult"))
      op.migrate_result = read_migrate_result(*migrated, "migrateResult");
    op.progress_percent = r.integer("progressPercent");
    return op;
  });
}

ErrorBody parse_error_body(std::string_view body) {
  const auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_object() && json.contains("code") && json["code"].is_string()) {
    return json.get<ErrorBody>();
  }
  return make_error(AgentErrorCode::kInternal, "agent answered with an unexpected error body",
                    std::string(body.substr(0, 512)));
}

}  // namespace hvo::agent
