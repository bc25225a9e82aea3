#include "hostagent/protocol/error_body.h"

#include <array>
#include <nlohmann/json.hpp>
#include <utility>

namespace hvo::agent {
namespace {

struct CodeInfo {
  AgentErrorCode code;
  const char* name;
  int http_status;
  bool retryable;
  ErrorCode common;
};

// One row per code keeps the spelling, the HTTP status and the retry advice in one place.
constexpr std::array<CodeInfo, 15> kCodes{{
    {AgentErrorCode::kInvalidSpec, "InvalidSpec", 400, false, ErrorCode::kInvalidArgument},
    {AgentErrorCode::kNotFound, "NotFound", 404, false, ErrorCode::kNotFound},
    {AgentErrorCode::kInsufficientResources, "InsufficientResources", 409, true,
     ErrorCode::kResourceExhausted},
    {AgentErrorCode::kImageNotFound, "ImageNotFound", 422, false, ErrorCode::kInvalidArgument},
    {AgentErrorCode::kSwitchNotFound, "SwitchNotFound", 422, false, ErrorCode::kInvalidArgument},
    {AgentErrorCode::kDriverError, "DriverError", 502, true, ErrorCode::kUnavailable},
    {AgentErrorCode::kConflict, "Conflict", 409, true, ErrorCode::kConflict},
    {AgentErrorCode::kUnauthorized, "Unauthorized", 401, false, ErrorCode::kUnauthenticated},
    {AgentErrorCode::kBusy, "Busy", 429, true, ErrorCode::kResourceExhausted},
    {AgentErrorCode::kTimeout, "Timeout", 504, true, ErrorCode::kTimeout},
    {AgentErrorCode::kHostUnavailable, "HostUnavailable", 503, true, ErrorCode::kUnavailable},
    {AgentErrorCode::kPayloadTooLarge, "PayloadTooLarge", 413, false, ErrorCode::kInvalidArgument},
    {AgentErrorCode::kMethodNotAllowed, "MethodNotAllowed", 405, false,
     ErrorCode::kInvalidArgument},
    // The caller is no longer the operator's leader: retrying cannot succeed.
    {AgentErrorCode::kStaleLeaseEpoch, "StaleLeaseEpoch", 409, false, ErrorCode::kCancelled},
    // Last: the row info() falls back to.
    {AgentErrorCode::kInternal, "Internal", 500, true, ErrorCode::kInternal},
}};

const CodeInfo& info(AgentErrorCode code) {
  for (const auto& row : kCodes) {
    if (row.code == code)
      return row;
  }
  return kCodes.back();
}

}  // namespace

const char* to_string(AgentErrorCode code) {
  return info(code).name;
}

std::optional<AgentErrorCode> parse_agent_error_code(std::string_view text) {
  for (const auto& row : kCodes) {
    if (text == row.name)
      return row.code;
  }
  return std::nullopt;
}

int http_status_for(AgentErrorCode code) {
  return info(code).http_status;
}

bool is_retryable(AgentErrorCode code) {
  return info(code).retryable;
}

ErrorBody ErrorBody::with_context(const std::string& context) const {
  return ErrorBody{code, context + ": " + message, detail};
}

Error ErrorBody::to_error() const {
  std::string text = std::string(to_string(code)) + ": " + message;
  if (!detail.empty())
    text += " (" + detail + ")";
  return Error(info(code).common, std::move(text));
}

void to_json(nlohmann::json& json, const ErrorBody& body) {
  json = nlohmann::json{{"code", to_string(body.code)}, {"message", body.message}};
  if (!body.detail.empty())
    json["detail"] = body.detail;
}

namespace {

// The field's text, or "" when it is absent or not a string: an error body is decoded on the
// way to reporting a failure, so a malformed one must not throw.
std::string text_field(const nlohmann::json& json, const char* name) {
  if (!json.is_object())
    return "";
  const auto it = json.find(name);
  return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

void from_json(const nlohmann::json& json, ErrorBody& body) {
  // An unknown code from a newer agent degrades to Internal rather than failing the parse; the
  // message still reaches the user.
  const auto code = parse_agent_error_code(text_field(json, "code"));
  body.code = code.value_or(AgentErrorCode::kInternal);
  body.message = text_field(json, "message");
  body.detail = text_field(json, "detail");
}

}  // namespace hvo::agent
