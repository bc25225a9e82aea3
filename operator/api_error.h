// Failed API calls, decoded from the metav1.Status body the server sends with every error, into
// a typed ApiError (for callers that branch on the exact reason, e.g. Gone vs Expired) and into an
// hvo::Error whose code says what to do (retry, re-read, give up) and whose message names the
// object, the reason and each invalid field.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/net/http_types.h"
#include "common/status.h"

namespace hvo::kube {

enum class StatusReason {
  kUnknown,
  kBadRequest,
  kUnauthorized,
  kForbidden,
  kNotFound,
  kAlreadyExists,
  kConflict,
  kGone,
  kExpired,
  kInvalid,
  kMethodNotAllowed,
  kNotAcceptable,
  kRequestEntityTooLarge,
  kUnsupportedMediaType,
  kTooManyRequests,
  kServerTimeout,
  kTimeout,
  kInternalError,
  kServiceUnavailable,
};

const char* to_string(StatusReason reason);

struct StatusCause {
  std::string reason;  // "FieldValueInvalid", "FieldValueRequired", ...
  std::string message;
  std::string field;  // "spec.cpu"
};

struct ApiError {
  int http_code = 0;
  StatusReason reason = StatusReason::kUnknown;
  std::string message;
  std::string name;  // details.name
  std::string kind;  // details.kind
  std::vector<StatusCause> causes;
  std::optional<int> retry_after_seconds;  // details.retryAfterSeconds or the Retry-After header

  // The error code callers branch on: NotFound, Conflict, AlreadyExists, Gone, Unavailable...
  ErrorCode code() const;
  // "<context>: Invalid (422): VirtualMachine.hyperv.operator.io \"a\" is invalid: ...; spec.cpu:
  // Invalid value: 0 (FieldValueInvalid)".
  Error to_error(const std::string& context) const;
};

// Decodes a non-2xx response. A body that is not a Status (a proxy's HTML page, an empty body)
// still yields the reason implied by the HTTP code and a message with the start of the body.
ApiError decode_api_error(const net::HttpResponse& response);

// The Status inside a watch ERROR event (its `object`), with its own code.
ApiError decode_status_object(const std::string& status_json);

}  // namespace hvo::kube
