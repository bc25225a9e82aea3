// AgentResult<T>: a value or an ErrorBody. The agent's drivers and handlers speak in agent error
// codes (ImageNotFound, SwitchNotFound, ...) that hvo::Error cannot carry; ErrorBody::to_error()
// converts at the boundary to code that speaks hvo::Status.
#pragma once

#include <cassert>
#include <optional>
#include <utility>
#include <variant>

#include "hostagent/protocol/error_body.h"

namespace hvo::agent {

template <typename T>
class [[nodiscard]] AgentResult {
 public:
  AgentResult(T value) : state_(std::move(value)) {}          // NOLINT: implicit by design
  AgentResult(ErrorBody error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  const T& value() const& {
    assert(ok());
    return std::get<T>(state_);
  }
  T& value() & {
    assert(ok());
    return std::get<T>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(state_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  const ErrorBody& error() const {
    assert(!ok());
    return std::get<ErrorBody>(state_);
  }

 private:
  std::variant<T, ErrorBody> state_;
};

class [[nodiscard]] AgentStatus {
 public:
  AgentStatus() = default;
  AgentStatus(ErrorBody error) : error_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const ErrorBody& error() const {
    assert(!ok());
    return *error_;
  }

 private:
  std::optional<ErrorBody> error_;
};

}  // namespace hvo::agent
