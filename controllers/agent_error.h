// What can go wrong when the operator calls a host agent, as one value the reconcilers branch on:
// the agent answered with its error body (a stable AgentErrorCode), or the call never got a
// usable answer (unreachable, timed out, unreadable). Every error names the host and the call.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "hostagent/protocol/error_body.h"

namespace hvo::controllers {

enum class AgentFailure {
  kRejected,     // the agent answered with an ErrorBody; AgentError::code says which
  kUnreachable,  // connection refused or reset, TLS handshake failed, no credentials to connect
  kTimeout,      // no answer within the request timeout
  kBadResponse,  // an answer that is not the protocol (unexpected status, malformed JSON)
};

const char* to_string(AgentFailure failure);

struct AgentError {
  std::string host;       // HyperVHost name
  std::string operation;  // host_info, inventory, ensure, power, remove, get_operation
  AgentFailure failure = AgentFailure::kUnreachable;
  std::optional<agent::AgentErrorCode> code;  // set for kRejected
  int http_status = 0;                        // 0 when no response arrived
  std::string message;  // "host hv-01: ensure: ImageNotFound: image rocky-10 is not on the host"

  // Whether the same call may succeed later: transport trouble and the agent's retryable codes.
  bool retryable() const;
  // The metric label: the agent's code ("ImageNotFound") or the failure ("Unreachable").
  std::string code_label() const;
  bool is(agent::AgentErrorCode wanted) const { return code && *code == wanted; }
};

// A value or an AgentError.
template <typename T>
class [[nodiscard]] AgentCallResult {
 public:
  AgentCallResult(T value) : state_(std::move(value)) {}           // NOLINT: implicit by design
  AgentCallResult(AgentError error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }
  const T& value() const& {
    assert(ok());
    return std::get<T>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(state_));
  }
  const T* operator->() const { return &value(); }
  const AgentError& error() const {
    assert(!ok());
    return std::get<AgentError>(state_);
  }

 private:
  std::variant<T, AgentError> state_;
};

}  // namespace hvo::controllers
