#include "common/net/replay_policy.h"

#include <strings.h>

namespace hvo::net {
namespace {

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

}  // namespace

bool is_idempotent(const HttpRequest& request) {
  if (request.idempotent)
    return true;
  for (const char* method : {"GET", "HEAD", "OPTIONS", "TRACE"}) {
    if (strcasecmp(request.method.c_str(), method) == 0)
      return true;
  }
  return request.headers.count("Idempotency-Key") > 0 ||
         request.headers.count("X-Idempotency-Key") > 0;
}

FailurePoint classify_failure(std::string_view message) {
  // cpprest's messages (http_client_asio.cpp), matched by their stable parts.
  if (contains(message, "Failed to write request"))  // "... headers", "... body"
    return FailurePoint::kWhileSending;
  // cpprest found the pooled connection closed by the server while waiting for the status line
  // and, the body stream not being rewindable, handed the failure to us instead of resending.
  if (contains(message, "cannot rewind input stream for connection re-establishment") ||
      contains(message, "Failed to read HTTP status line")) {
    return FailurePoint::kBeforeResponse;
  }
  if (contains(message, "Invalid HTTP status line"))
    return FailurePoint::kMalformedResponse;
  if (contains(message, "Failed to connect") || contains(message, "Error resolving address") ||
      contains(message, "Error in SSL handshake") || contains(message, "Connection refused")) {
    return FailurePoint::kNotConnected;
  }
  return FailurePoint::kOther;
}

ReplayDecision decide_replay(const HttpRequest& request, FailurePoint failure) {
  switch (failure) {
    case FailurePoint::kWhileSending:
      return {true, ""};
    case FailurePoint::kBeforeResponse:
    case FailurePoint::kMalformedResponse:
      if (is_idempotent(request))
        return {true, ""};
      return {false,
              "the request was sent whole before the connection failed, so the server may "
              "have applied it; not resent because " +
                  request.method + " is not idempotent"};
    case FailurePoint::kNotConnected:
    case FailurePoint::kOther:
      break;
  }
  return {false, ""};
}

}  // namespace hvo::net
