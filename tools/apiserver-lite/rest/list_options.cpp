#include "tools/apiserver-lite/rest/list_options.h"

#include <nlohmann/json.hpp>

#include "tools/apiserver-lite/etcd/base64.h"
#include "tools/apiserver-lite/rest/api_error.h"
#include "tools/apiserver-lite/rest/query_params.h"

namespace hvo::apiserver {

using nlohmann::json;

namespace {

int64_t parse_integer(const std::string& text, const char* parameter) {
  try {
    std::size_t used = 0;
    const int64_t value = std::stoll(text, &used);
    if (used == text.size())
      return value;
  } catch (const std::exception&) {
    // Reported below.
  }
  throw bad_request(std::string("invalid value for ") + parameter + ": \"" + text + "\"");
}

}  // namespace

int64_t parse_resource_version(const std::string& text, const char* parameter) {
  if (text.empty())
    return 0;
  const int64_t value = parse_integer(text, parameter);
  if (value < 0)
    throw bad_request(std::string("invalid value for ") + parameter + ": \"" + text + "\"");
  return value;
}

ListOptions parse_list_options(const net::HttpRequest& request) {
  const QueryParams query(request);
  ListOptions options;
  if (auto limit = query.integer("limit"))
    options.limit = std::max<int64_t>(0, *limit);
  options.continue_token = query.text("continue");
  options.resource_version = query.text("resourceVersion");
  parse_resource_version(options.resource_version, "resourceVersion");
  options.label_selector = query.text("labelSelector");
  options.field_selector = query.text("fieldSelector");
  options.watch = query.flag("watch");
  options.allow_bookmarks = query.flag("allowWatchBookmarks");
  options.timeout_seconds = query.integer("timeoutSeconds");
  options.send_initial_events = query.flag("sendInitialEvents");
  if (!options.continue_token.empty() && !options.resource_version.empty() &&
      options.resource_version != "0") {
    throw bad_request("specifying resource version is not allowed when using continue");
  }
  return options;
}

std::string encode_continue(const ContinueToken& token, const std::string& prefix) {
  const std::string relative =
      token.start_key.substr(std::min(prefix.size(), token.start_key.size()));
  const json body = {{"v", "meta.k8s.io/v1"}, {"rv", token.revision}, {"start", relative}};
  return etcd::base64_encode(body.dump());
}

ContinueToken decode_continue(const std::string& token, const std::string& prefix) {
  const auto decoded = etcd::base64_decode(token);
  const json body = decoded ? json::parse(*decoded, nullptr, false) : json();
  if (!body.is_object() || body.value("v", "") != "meta.k8s.io/v1" || !body.contains("rv") ||
      !body["rv"].is_number_integer() || !body.contains("start") || !body["start"].is_string()) {
    throw bad_request(
        "continue key is not valid: incorrect encoded start resourceVersion "
        "(version meta.k8s.io/v1)");
  }
  const std::string start = body["start"].get<std::string>();
  if (start.find("..") != std::string::npos || (!start.empty() && start.front() == '/')) {
    throw bad_request("continue key is not valid: the start key is outside the collection");
  }
  // rv -1: the token of an expired list, continued at the latest revision.
  const int64_t revision = body["rv"].get<int64_t>();
  if (revision < -1 || revision == 0) {
    throw bad_request(
        "continue key is not valid: incorrect encoded start resourceVersion "
        "(version meta.k8s.io/v1)");
  }
  return ContinueToken{revision == -1 ? 0 : revision, prefix + start};
}

}  // namespace hvo::apiserver
