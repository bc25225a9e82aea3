#include "operator/rest_client.h"

#include <spdlog/spdlog.h>

#include <map>

namespace hvo::kube {
namespace {

// client-go's rest_client_request_duration_seconds buckets.
std::vector<double> latency_buckets() {
  return {0.005, 0.025, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0};
}

// "https://10.0.0.1:6443/prefix" -> "10.0.0.1:6443".
std::string host_of(const std::string& server) {
  std::string host = server;
  const auto scheme = host.find("://");
  if (scheme != std::string::npos)
    host.erase(0, scheme + 3);
  const auto slash = host.find('/');
  if (slash != std::string::npos)
    host.erase(slash);
  return host;
}

const char* content_type_of(PatchType type) {
  switch (type) {
    case PatchType::kMerge:
      return "application/merge-patch+json";
    case PatchType::kJson:
      return "application/json-patch+json";
    case PatchType::kApply:
      return "application/apply-patch+yaml";
  }
  return "application/merge-patch+json";
}

const char* propagation_name(PropagationPolicy policy) {
  switch (policy) {
    case PropagationPolicy::kBackground:
      return "Background";
    case PropagationPolicy::kForeground:
      return "Foreground";
    case PropagationPolicy::kOrphan:
      return "Orphan";
    case PropagationPolicy::kDefault:
      break;
  }
  return "";
}

std::optional<WatchEventType> parse_event_type(const std::string& type) {
  if (type == "ADDED")
    return WatchEventType::kAdded;
  if (type == "MODIFIED")
    return WatchEventType::kModified;
  if (type == "DELETED")
    return WatchEventType::kDeleted;
  if (type == "BOOKMARK")
    return WatchEventType::kBookmark;
  if (type == "ERROR")
    return WatchEventType::kError;
  return std::nullopt;
}

std::string describe(const std::string& verb, const GroupVersionResource& gvr,
                     const std::string& namespace_name, const std::string& name) {
  std::string what = verb + " " + gvr.display();
  if (!namespace_name.empty() || !name.empty())
    what += " ";
  if (!namespace_name.empty())
    what += namespace_name + (name.empty() ? "" : "/");
  return what + name;
}

void add_write_params(std::map<std::string, std::string>& query, const WriteOptions& options) {
  if (!options.field_manager.empty())
    query["fieldManager"] = options.field_manager;
  if (options.dry_run)
    query["dryRun"] = "All";
}

// Sleeps on the clock; no one interrupts a retry delay, so the condition variable is private.
void sleep_for(const Clock& clock, Duration delay) {
  std::mutex mu;
  std::condition_variable never_notified;
  std::unique_lock<std::mutex> lock(mu);
  sleep_until_or(clock, never_notified, lock, clock.now() + delay, [] { return false; });
}

}  // namespace

const char* to_string(WatchEventType type) {
  switch (type) {
    case WatchEventType::kAdded:
      return "ADDED";
    case WatchEventType::kModified:
      return "MODIFIED";
    case WatchEventType::kDeleted:
      return "DELETED";
    case WatchEventType::kBookmark:
      return "BOOKMARK";
    case WatchEventType::kError:
      return "ERROR";
  }
  return "UNKNOWN";
}

RestClient::RestClient(std::shared_ptr<net::HttpClient> http, std::string server,
                       std::shared_ptr<TokenSource> tokens, metrics::Registry& registry,
                       RestClientOptions options, const Clock& clock)
    : http_(std::move(http)),
      server_(std::move(server)),
      tokens_(std::move(tokens)),
      options_(std::move(options)),
      clock_(clock),
      limiter_(options_.qps, options_.burst, clock),
      host_(options_.host_label.empty() ? host_of(server_) : options_.host_label),
      requests_total_(
          registry.counter("rest_client_requests_total",
                           "Number of HTTP requests, partitioned by status code, method, and host.",
                           {"code", "method", "host"})),
      request_duration_(
          registry.histogram("rest_client_request_duration_seconds",
                             "Request latency in seconds. Broken down by verb, and host.",
                             {"verb", "host"}, latency_buckets())) {}

void RestClient::record(const std::string& method, const std::string& verb, int code,
                        std::chrono::duration<double> elapsed) {
  requests_total_.with({code > 0 ? std::to_string(code) : "<error>", method, host_}).inc();
  request_duration_.with({verb, host_}).observe(elapsed.count());
}

Status RestClient::authorize(net::HttpRequest& request) {
  request.headers["User-Agent"] = options_.user_agent;
  if (request.headers.count("Accept") == 0)
    request.headers["Accept"] = "application/json";
  if (!tokens_)
    return OkStatus();
  auto token = tokens_->token();
  if (!token.ok())
    return token.error();
  request.headers["Authorization"] = "Bearer " + *token;
  return OkStatus();
}

Result<net::HttpResponse> RestClient::send_once(Call& call) {
  limiter_.wait();
  if (write_fence_ && call.request.method != "GET") {
    // After the rate limiter's wait, the last moment before sending.
    if (Status fenced = write_fence_(call.request); !fenced.ok())
      return fenced.error();
  }
  Status authorized = authorize(call.request);
  if (!authorized.ok())
    return authorized.error();
  call.request.timeout = options_.timeout;
  const SteadyTime started = clock_.now();
  Result<net::HttpResponse> response = http_->send(call.request);
  record(call.request.method, call.verb, response.ok() ? response->status : 0,
         clock_.now() - started);
  return response;
}

Result<net::HttpResponse> RestClient::execute(Call call) {
  JitteredBackoff backoff(options_.retry_base, options_.retry_max, 2.0, 0.2, options_.random);
  bool token_refreshed = false;
  for (int attempt = 0;; ++attempt) {
    Result<net::HttpResponse> response = send_once(call);
    const bool may_retry = attempt < options_.max_retries;
    if (!response.ok()) {
      const ErrorCode code = response.error().code();
      const bool transient = code == ErrorCode::kUnavailable || code == ErrorCode::kTimeout;
      if (!(transient && call.idempotent && may_retry)) {
        return response.error().with_context(call.what);
      }
      const Duration delay = backoff.next();
      spdlog::warn("api_request_retry what=\"{}\" attempt={} reason=\"{}\" delay_ms={}", call.what,
                   attempt + 1, response.error().message(),
                   std::chrono::duration_cast<std::chrono::milliseconds>(delay).count());
      sleep_for(clock_, delay);
      continue;
    }

    const int status = response->status;
    if (status == 401 && tokens_ && !token_refreshed) {
      // The token may have rotated under us: read it again and try once more.
      token_refreshed = true;
      tokens_->invalidate();
      spdlog::info("api_token_refresh what=\"{}\" reason=unauthorized", call.what);
      continue;
    }
    const bool throttled = status == 429;
    const bool server_error = status >= 500 && call.idempotent;
    if ((throttled || server_error) && may_retry) {
      const ApiError error = decode_api_error(*response);
      const Duration delay = error.retry_after_seconds
                                 ? Duration(std::chrono::seconds(*error.retry_after_seconds))
                                 : backoff.next();
      spdlog::warn("api_request_retry what=\"{}\" attempt={} code={} reason={} delay_ms={}",
                   call.what, attempt + 1, status, to_string(error.reason),
                   std::chrono::duration_cast<std::chrono::milliseconds>(delay).count());
      sleep_for(clock_, delay);
      continue;
    }
    return response;
  }
}

Result<json> RestClient::json_call(Call call) {
  const std::string what = call.what;
  auto response = execute(std::move(call));
  if (!response.ok())
    return response.error();
  if (response->status < 200 || response->status >= 300) {
    return decode_api_error(*response).to_error(what);
  }
  json body = json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) {
    return Error(ErrorCode::kInternal,
                 what + ": response is not JSON: " + response->body.substr(0, 200));
  }
  return body;
}

Result<json> RestClient::get(const GroupVersionResource& gvr, const std::string& namespace_name,
                             const std::string& name) {
  Call call{"GET", {}, true, describe("get", gvr, namespace_name, name)};
  call.request.method = "GET";
  call.request.path = gvr.object_path(namespace_name, name);
  return json_call(std::move(call));
}

Result<json> RestClient::list(const GroupVersionResource& gvr, const std::string& namespace_name,
                              const ListOptions& options) {
  Call call{"LIST", {}, true, describe("list", gvr, namespace_name, "")};
  call.request.method = "GET";
  call.request.path = gvr.collection_path(namespace_name);
  std::map<std::string, std::string> query;
  if (!options.label_selector.empty())
    query["labelSelector"] = options.label_selector;
  if (!options.field_selector.empty())
    query["fieldSelector"] = options.field_selector;
  if (!options.resource_version.empty())
    query["resourceVersion"] = options.resource_version;
  if (options.limit > 0)
    query["limit"] = std::to_string(options.limit);
  if (!options.continue_token.empty())
    query["continue"] = options.continue_token;
  call.request.query = query;
  call.request.raw_query = net::encode_query(query);
  return json_call(std::move(call));
}

Result<json> RestClient::create(const GroupVersionResource& gvr, const std::string& namespace_name,
                                const json& object, const WriteOptions& options) {
  Call call{"POST", {}, false, describe("create", gvr, namespace_name, name_of(object))};
  call.request.method = "POST";
  call.request.path = gvr.collection_path(namespace_name);
  std::map<std::string, std::string> query;
  add_write_params(query, options);
  call.request.query = query;
  call.request.raw_query = net::encode_query(query);
  call.request.headers["Content-Type"] = "application/json";
  call.request.body = object.dump();
  return json_call(std::move(call));
}

Result<json> RestClient::update(const GroupVersionResource& gvr, const json& object,
                                const WriteOptions& options) {
  return put(gvr, object, options, "", "update");
}

Result<json> RestClient::update_status(const GroupVersionResource& gvr, const json& object,
                                       const WriteOptions& options) {
  return put(gvr, object, options, "/status", "update status of");
}

Result<json> RestClient::put(const GroupVersionResource& gvr, const json& object,
                             const WriteOptions& options, const std::string& subresource,
                             const std::string& verb) {
  const std::string ns = namespace_of(object);
  const std::string name = name_of(object);
  // A PUT carries the resourceVersion it read, so repeating it cannot overwrite someone else.
  Call call{"PUT", {}, true, describe(verb, gvr, ns, name)};
  call.request.method = "PUT";
  call.request.path = gvr.object_path(ns, name) + subresource;
  std::map<std::string, std::string> query;
  add_write_params(query, options);
  call.request.query = query;
  call.request.raw_query = net::encode_query(query);
  call.request.headers["Content-Type"] = "application/json";
  call.request.body = object.dump();
  return json_call(std::move(call));
}

Result<json> RestClient::patch(const GroupVersionResource& gvr, const std::string& namespace_name,
                               const std::string& name, PatchType type, const std::string& body,
                               const PatchOptions& options) {
  const std::string what = describe("patch", gvr, namespace_name, name);
  if (type == PatchType::kApply && options.field_manager.empty()) {
    return Error(ErrorCode::kInvalidArgument, what + ": server-side apply needs a field manager");
  }
  Call call{"PATCH", {}, false, what};
  call.request.method = "PATCH";
  call.request.path = gvr.object_path(namespace_name, name);
  if (!options.subresource.empty())
    call.request.path += "/" + options.subresource;
  std::map<std::string, std::string> query;
  if (!options.field_manager.empty())
    query["fieldManager"] = options.field_manager;
  if (options.force)
    query["force"] = "true";
  call.request.query = query;
  call.request.raw_query = net::encode_query(query);
  call.request.headers["Content-Type"] = content_type_of(type);
  call.request.body = body;
  return json_call(std::move(call));
}

Result<json> RestClient::remove(const GroupVersionResource& gvr, const std::string& namespace_name,
                                const std::string& name, const DeleteOptions& options) {
  Call call{"DELETE", {}, true, describe("delete", gvr, namespace_name, name)};
  call.request.method = "DELETE";
  call.request.path = gvr.object_path(namespace_name, name);
  json body = {{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
  if (!options.precondition_uid.empty())
    body["preconditions"]["uid"] = options.precondition_uid;
  if (!options.precondition_resource_version.empty()) {
    body["preconditions"]["resourceVersion"] = options.precondition_resource_version;
  }
  if (options.propagation != PropagationPolicy::kDefault) {
    body["propagationPolicy"] = propagation_name(options.propagation);
  }
  if (options.grace_period_seconds)
    body["gracePeriodSeconds"] = *options.grace_period_seconds;
  call.request.headers["Content-Type"] = "application/json";
  call.request.body = body.dump();
  return json_call(std::move(call));
}

Status RestClient::watch(const GroupVersionResource& gvr, const std::string& namespace_name,
                         const WatchOptions& options,
                         const std::function<bool(WatchEvent)>& on_event,
                         std::shared_ptr<net::Cancellation> cancel) {
  const std::string what = describe("watch", gvr, namespace_name, "");
  net::HttpRequest request;
  request.method = "GET";
  request.path = gvr.collection_path(namespace_name);
  std::map<std::string, std::string> query = {{"watch", "1"}};
  if (!options.label_selector.empty())
    query["labelSelector"] = options.label_selector;
  if (!options.field_selector.empty())
    query["fieldSelector"] = options.field_selector;
  if (!options.resource_version.empty())
    query["resourceVersion"] = options.resource_version;
  if (options.allow_bookmarks)
    query["allowWatchBookmarks"] = "true";
  if (options.timeout_seconds > 0)
    query["timeoutSeconds"] = std::to_string(options.timeout_seconds);
  request.query = query;
  request.raw_query = net::encode_query(query);

  limiter_.wait();
  Status authorized = authorize(request);
  if (!authorized.ok())
    return authorized.error().with_context(what);
  if (!cancel)
    cancel = std::make_shared<net::Cancellation>();

  std::optional<Error> stream_error;
  auto on_line = [&](std::string_view line) {
    if (line.empty())
      return true;
    json parsed = json::parse(line, nullptr, /*allow_exceptions=*/false);
    const auto type = parsed.is_object() && parsed.contains("type") && parsed["type"].is_string()
                          ? parse_event_type(parsed["type"].get<std::string>())
                          : std::nullopt;
    if (!type || !parsed.contains("object")) {
      stream_error = Error(ErrorCode::kInternal,
                           what + ": malformed watch event: " + std::string(line.substr(0, 200)));
      return false;
    }
    return on_event(WatchEvent{*type, std::move(parsed["object"])});
  };
  // The server ends the watch after timeoutSeconds; allow a margin before calling it idle.
  const auto idle_timeout = std::chrono::seconds(options.timeout_seconds + 30);
  const SteadyTime started = clock_.now();
  Result<net::HttpResponse> response = http_->stream_lines(request, on_line, cancel, idle_timeout);
  record("GET", "WATCH", response.ok() ? response->status : 0, clock_.now() - started);

  if (cancel->cancelled())
    return Error(ErrorCode::kCancelled, what + ": cancelled");
  if (!response.ok())
    return response.error().with_context(what);
  if (response->status == 401 && tokens_)
    tokens_->invalidate();
  if (response->status < 200 || response->status >= 300) {
    return decode_api_error(*response).to_error(what);
  }
  if (stream_error)
    return *stream_error;
  return OkStatus();
}

namespace {

std::string metadata_string(const json& object, const char* field) {
  const auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object())
    return "";
  const auto value = meta->find(field);
  return value != meta->end() && value->is_string() ? value->get<std::string>() : "";
}

}  // namespace

std::string namespace_of(const json& object) {
  return metadata_string(object, "namespace");
}
std::string name_of(const json& object) {
  return metadata_string(object, "name");
}
std::string resource_version_of(const json& object) {
  return metadata_string(object, "resourceVersion");
}

std::string object_key(const json& object) {
  const std::string ns = namespace_of(object);
  return ns.empty() ? name_of(object) : ns + "/" + name_of(object);
}

}  // namespace hvo::kube
