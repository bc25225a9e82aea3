#include "operator/api_error.h"

#include <nlohmann/json.hpp>

#include <cstdlib>

namespace hvo::kube {
namespace {

using nlohmann::json;

struct ReasonName {
  StatusReason reason;
  const char* name;
};

constexpr ReasonName kReasonNames[] = {
    {StatusReason::kBadRequest, "BadRequest"},
    {StatusReason::kUnauthorized, "Unauthorized"},
    {StatusReason::kForbidden, "Forbidden"},
    {StatusReason::kNotFound, "NotFound"},
    {StatusReason::kAlreadyExists, "AlreadyExists"},
    {StatusReason::kConflict, "Conflict"},
    {StatusReason::kGone, "Gone"},
    {StatusReason::kExpired, "Expired"},
    {StatusReason::kInvalid, "Invalid"},
    {StatusReason::kMethodNotAllowed, "MethodNotAllowed"},
    {StatusReason::kNotAcceptable, "NotAcceptable"},
    {StatusReason::kRequestEntityTooLarge, "RequestEntityTooLarge"},
    {StatusReason::kUnsupportedMediaType, "UnsupportedMediaType"},
    {StatusReason::kTooManyRequests, "TooManyRequests"},
    {StatusReason::kServerTimeout, "ServerTimeout"},
    {StatusReason::kTimeout, "Timeout"},
    {StatusReason::kInternalError, "InternalError"},
    {StatusReason::kServiceUnavailable, "ServiceUnavailable"},
};

StatusReason reason_from_name(const std::string& name) {
  for (const auto& entry : kReasonNames) {
    if (name == entry.name)
      return entry.reason;
  }
  return StatusReason::kUnknown;
}

// What an HTTP code means when the body carries no (known) reason, as in apimachinery's
// errors.FromObject / NewGenericServerResponse.
StatusReason reason_from_http_code(int code) {
  switch (code) {
    case 400:
      return StatusReason::kBadRequest;
    case 401:
      return StatusReason::kUnauthorized;
    case 403:
      return StatusReason::kForbidden;
    case 404:
      return StatusReason::kNotFound;
    case 405:
      return StatusReason::kMethodNotAllowed;
    case 406:
      return StatusReason::kNotAcceptable;
    case 409:
      return StatusReason::kConflict;
    case 410:
      return StatusReason::kGone;
    case 413:
      return StatusReason::kRequestEntityTooLarge;
    case 415:
      return StatusReason::kUnsupportedMediaType;
    case 422:
      return StatusReason::kInvalid;
    case 429:
      return StatusReason::kTooManyRequests;
    case 500:
      return StatusReason::kInternalError;
    case 503:
      return StatusReason::kServiceUnavailable;
    case 504:
      return StatusReason::kTimeout;
    default:
      return StatusReason::kUnknown;
  }
}

std::string string_at(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Fills `error` from a parsed Status; false when `status` is not one.
bool fill_from_status(const json& status, ApiError& error) {
  if (!status.is_object() || string_at(status, "kind") != "Status")
    return false;
  error.message = string_at(status, "message");
  auto code = status.find("code");
  if (code != status.end() && code->is_number_integer())
    error.http_code = code->get<int>();
  error.reason = reason_from_name(string_at(status, "reason"));
  auto details = status.find("details");
  if (details != status.end() && details->is_object()) {
    error.name = string_at(*details, "name");
    error.kind = string_at(*details, "kind");
    auto retry = details->find("retryAfterSeconds");
    if (retry != details->end() && retry->is_number_integer()) {
      error.retry_after_seconds = retry->get<int>();
    }
    auto causes = details->find("causes");
    if (causes != details->end() && causes->is_array()) {
      for (const json& cause : *causes) {
        if (!cause.is_object())
          continue;
        error.causes.push_back(
            {string_at(cause, "reason"), string_at(cause, "message"), string_at(cause, "field")});
      }
    }
  }
  return true;
}

std::optional<int> parse_retry_after(const std::string& header) {
  if (header.empty())
    return std::nullopt;
  char* end = nullptr;
  const long seconds = std::strtol(header.c_str(), &end, 10);
  // An HTTP date instead of seconds is not sent by the API server; ignore it.
  if (end == header.c_str() || *end != '\0' || seconds < 0)
    return std::nullopt;
  return static_cast<int>(seconds);
}

}  // namespace

const char* to_string(StatusReason reason) {
  for (const auto& entry : kReasonNames) {
    if (entry.reason == reason)
      return entry.name;
  }
  return "Unknown";
}

ErrorCode ApiError::code() const {
  switch (reason) {
    case StatusReason::kNotFound:
      return ErrorCode::kNotFound;
    case StatusReason::kAlreadyExists:
      return ErrorCode::kAlreadyExists;
    case StatusReason::kConflict:
      return ErrorCode::kConflict;
    case StatusReason::kGone:
    case StatusReason::kExpired:
      return ErrorCode::kGone;
    case StatusReason::kInvalid:
    case StatusReason::kBadRequest:
    case StatusReason::kMethodNotAllowed:
    case StatusReason::kNotAcceptable:
    case StatusReason::kRequestEntityTooLarge:
    case StatusReason::kUnsupportedMediaType:
      return ErrorCode::kInvalidArgument;
    case StatusReason::kUnauthorized:
      return ErrorCode::kUnauthenticated;
    case StatusReason::kForbidden:
      return ErrorCode::kPermissionDenied;
    case StatusReason::kTooManyRequests:
      return ErrorCode::kResourceExhausted;
    case StatusReason::kServerTimeout:
    case StatusReason::kTimeout:
      return ErrorCode::kTimeout;
    case StatusReason::kInternalError:
    case StatusReason::kServiceUnavailable:
      return ErrorCode::kUnavailable;
    case StatusReason::kUnknown:
      break;
  }
  return http_code >= 500 ? ErrorCode::kUnavailable : ErrorCode::kInternal;
}

Error ApiError::to_error(const std::string& context) const {
  std::string text = context + ": " + to_string(reason) + " (" + std::to_string(http_code) + ")";
  if (!message.empty())
    text += ": " + message;
  for (const StatusCause& cause : causes) {
    // The server's message usually repeats the causes; list them anyway so a reader sees each
    // field even when the message was truncated.
    text += "; " + (cause.field.empty() ? std::string() : cause.field + ": ") + cause.message;
    if (!cause.reason.empty())
      text += " (" + cause.reason + ")";
  }
  return Error(code(), text);
}

ApiError decode_api_error(const net::HttpResponse& response) {
  ApiError error;
  const json body = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!fill_from_status(body, error)) {
    constexpr std::size_t kExcerpt = 200;
    error.message = response.body.substr(0, kExcerpt);
  }
  // The transport's code is the truth; a Status may omit its own.
  error.http_code = response.status;
  if (error.reason == StatusReason::kUnknown)
    error.reason = reason_from_http_code(response.status);
  if (!error.retry_after_seconds) {
    error.retry_after_seconds = parse_retry_after(response.header("Retry-After"));
  }
  return error;
}

ApiError decode_status_object(const std::string& status_json) {
  ApiError error;
  const json status = json::parse(status_json, nullptr, /*allow_exceptions=*/false);
  if (!fill_from_status(status, error)) {
    error.http_code = 500;
    error.reason = StatusReason::kInternalError;
    error.message = "watch ERROR event without a Status: " + status_json.substr(0, 200);
    return error;
  }
  if (error.reason == StatusReason::kUnknown)
    error.reason = reason_from_http_code(error.http_code);
  return error;
}

}  // namespace hvo::kube
