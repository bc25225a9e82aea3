#include "controllers/agent_error.h"

namespace hvo::controllers {

const char* to_string(AgentFailure failure) {
  switch (failure) {
    case AgentFailure::kRejected:
      return "Rejected";
    case AgentFailure::kUnreachable:
      return "Unreachable";
    case AgentFailure::kTimeout:
      return "Timeout";
    case AgentFailure::kBadResponse:
      return "BadResponse";
  }
  return "Unknown";
}

bool AgentError::retryable() const {
  switch (failure) {
    case AgentFailure::kRejected:
      return code && agent::is_retryable(*code);
    case AgentFailure::kUnreachable:
    case AgentFailure::kTimeout:
    case AgentFailure::kBadResponse:
      return true;  // a restarting or upgrading agent answers later
  }
  return true;
}

std::string AgentError::code_label() const {
  if (failure == AgentFailure::kRejected && code)
    return agent::to_string(*code);
  return to_string(failure);
}

}  // namespace hvo::controllers
