// When a request that failed at the connection level may be sent again, following Go's
// net/http transport: a request is replayed once, on a fresh connection, only if sending it twice
// cannot do harm: it is idempotent (GET, HEAD, OPTIONS, TRACE, an Idempotency-Key header, or
// HttpRequest::idempotent), or the server cannot have received all of it (writing it failed).
// A request that was sent whole and then met a closed connection before any response byte may
// have been applied by the server: replayed when idempotent, otherwise the error says so.
// Pure logic over the failure message of the transport (cpprest's wording), so it is testable.
#pragma once

#include <string>
#include <string_view>

#include "common/net/http_types.h"

namespace hvo::net {

bool is_idempotent(const HttpRequest& request);

// Where a request failed, as far as the server's view of it goes.
enum class FailurePoint {
  kNotConnected,       // no connection (refused, DNS, TLS handshake): nothing reached a server
  kWhileSending,       // writing failed: the server cannot have the whole request
  kBeforeResponse,     // sent whole; the connection ended before any response byte
  kMalformedResponse,  // sent whole; what came back is not an HTTP response (leftover bytes)
  kOther,              // while reading the response, timeouts, cancels, anything else
};

FailurePoint classify_failure(std::string_view transport_message);

struct ReplayDecision {
  bool replay = false;
  // Set when the request is not replayed and the server may have applied it: appended to the
  // error so the caller knows a blind retry could apply it twice.
  std::string caution;
};

ReplayDecision decide_replay(const HttpRequest& request, FailurePoint failure);

}  // namespace hvo::net
