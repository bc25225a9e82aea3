// The agent's error vocabulary: a stable code the operator branches on, a sentence for people and
// an optional detail (driver output, the offending field). Sent as JSON {code, message, detail}.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace hvo::agent {

enum class AgentErrorCode {
  kInvalidSpec,            // the request is malformed or violates a bound; do not retry as is
  kNotFound,               // no managed VM with this uid, no such operation or route
  kInsufficientResources,  // the host lacks CPU, memory or storage for the VM
  kImageNotFound,          // the spec names a base image the host does not have
  kSwitchNotFound,         // the spec names a virtual switch the host does not have
  kDriverError,            // the hypervisor (or PowerShell) failed; detail holds its output
  kConflict,               // the request contradicts the VM's current state
  kUnauthorized,           // missing or wrong bearer token
  kBusy,                   // too much queued work; retry later
  kTimeout,                // the driver did not answer in time
  kHostUnavailable,        // the hypervisor host as a whole is failing
  kPayloadTooLarge,        // body over the agent's limit
  kMethodNotAllowed,       // known route, wrong method
  kInternal,               // a bug in the agent
  kStaleLeaseEpoch,        // a change sent under a leader Lease epoch older than one seen since
};

// The wire spelling ("InvalidSpec", ...). Stable: the operator compares against these strings.
const char* to_string(AgentErrorCode code);
// Parses the wire spelling; unknown codes (a newer agent) are nullopt.
std::optional<AgentErrorCode> parse_agent_error_code(std::string_view text);
// The HTTP status the agent answers with for this code.
int http_status_for(AgentErrorCode code);
// Whether the operator may retry the same request later and expect a different answer.
bool is_retryable(AgentErrorCode code);

struct ErrorBody {
  AgentErrorCode code = AgentErrorCode::kInternal;
  std::string message;
  std::string detail;

  // A copy whose message starts with more context: "vm 1234: " + message.
  ErrorBody with_context(const std::string& context) const;
  // The closest common error, for callers that speak hvo::Status (the operator's client).
  Error to_error() const;
};

inline ErrorBody make_error(AgentErrorCode code, std::string message, std::string detail = {}) {
  return ErrorBody{code, std::move(message), std::move(detail)};
}

void to_json(nlohmann::json& json, const ErrorBody& body);
void from_json(const nlohmann::json& json, ErrorBody& body);

}  // namespace hvo::agent
