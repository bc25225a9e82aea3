// Query parameters of LIST and WATCH requests (limit, continue, resourceVersion, selectors,
// watch, allowWatchBookmarks, timeoutSeconds, sendInitialEvents) and the continue token, which
// like the real server's is base64 of {"v":"meta.k8s.io/v1","rv":R,"start":"<key after prefix>"}.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/net/http_types.h"

namespace hvo::apiserver {

struct ListOptions {
  int64_t limit = 0;
  std::string continue_token;
  std::string resource_version;  // as sent; "" and "0" mean "any"
  std::string label_selector;
  std::string field_selector;
  bool watch = false;
  bool allow_bookmarks = false;
  std::optional<int64_t> timeout_seconds;
  bool send_initial_events = false;
};

// Throws ApiError (400) naming the bad parameter.
ListOptions parse_list_options(const net::HttpRequest& request);

struct ContinueToken {
  int64_t revision = 0;   // decoded: 0 for "the latest" (an expired list's token says -1)
  std::string start_key;  // absolute etcd key the next page starts at
};

std::string encode_continue(const ContinueToken& token, const std::string& prefix);
// Throws ApiError (400) for a token that is not ours or does not belong under `prefix`.
ContinueToken decode_continue(const std::string& token, const std::string& prefix);

// The revision a resourceVersion parameter names: 0 for "" / "0"; throws 400 when not a number.
int64_t parse_resource_version(const std::string& text, const char* parameter);

}  // namespace hvo::apiserver
