// The dynamic Kubernetes client: objects as nlohmann::json, collections by GroupVersionResource.
// - Failures come back as hvo::Error decoded from the server's Status (see api_error.h), with the
//   verb and the object in the message.
// - Requests pass a client-side token bucket (QPS/burst, like client-go's rest.Config).
// - Connection errors and 5xx are retried with jittered backoff for idempotent verbs (GET, PUT,
//   DELETE); 429 is retried for every verb (the server did not act on it) after Retry-After.
// - A 401 makes the token source re-read its token once and the request is retried.
// - Every request counts in rest_client_requests_total{code,method,host} and
//   rest_client_request_duration_seconds{verb,host}.
// The transport is an hvo::net::HttpClient, so tests substitute a fake one.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/metrics/registry.h"
#include "common/net/http_client.h"
#include "common/status.h"
#include "operator/api_error.h"
#include "operator/backoff.h"
#include "operator/clock.h"
#include "operator/rate_limiter.h"
#include "operator/resource.h"
#include "operator/token_source.h"

namespace hvo::kube {

using nlohmann::json;

struct RestClientOptions {
  double qps = 20;  // controller-runtime's defaults
  int burst = 30;
  std::chrono::milliseconds timeout{30000};  // per request, except watches
  int max_retries = 5;
  Duration retry_base = std::chrono::milliseconds(100);
  Duration retry_max = std::chrono::seconds(5);
  std::string user_agent = "hyperv-operator";
  std::string host_label;  // the `host` metric label; derived from the server URL when empty
  RandomSource random = default_random();
};

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  std::string resource_version;  // "" = latest (consistent), "0" = any
  int64_t limit = 0;             // 0 = no paging
  std::string continue_token;
};

struct WriteOptions {
  std::string field_manager;
  bool dry_run = false;
};

enum class PatchType { kMerge, kJson, kApply };

struct PatchOptions {
  std::string field_manager;  // required for kApply
  bool force = false;         // server-side apply: take ownership of conflicting fields
  std::string subresource;    // "" or "status"
};

enum class PropagationPolicy { kDefault, kBackground, kForeground, kOrphan };

struct DeleteOptions {
  std::string precondition_uid;
  std::string precondition_resource_version;
  PropagationPolicy propagation = PropagationPolicy::kDefault;
  std::optional<int64_t> grace_period_seconds;
};

enum class WatchEventType { kAdded, kModified, kDeleted, kBookmark, kError };
const char* to_string(WatchEventType type);

struct WatchEvent {
  WatchEventType type;
  json object;  // the object, a bookmark's stub, or the Status of an ERROR event
};

struct WatchOptions {
  std::string label_selector;
  std::string field_selector;
  std::string resource_version;
  bool allow_bookmarks = true;
  int timeout_seconds = 300;  // the server ends the watch after this long
};

class RestClient {
 public:
  RestClient(std::shared_ptr<net::HttpClient> http, std::string server,
             std::shared_ptr<TokenSource> tokens, metrics::Registry& registry,
             RestClientOptions options = RestClientOptions(), const Clock& clock = real_clock());

  // Asked before each attempt of every request that is not a GET (a retry asks again): an
  // error refuses the request, unsent, with that error. The operator refuses writes of a
  // replica that no longer holds the leader Lease (LeaderElector::holds_lease()). Set before
  // the client is shared between threads.
  using WriteFence = std::function<Status(const net::HttpRequest& request)>;
  void set_write_fence(WriteFence fence) { write_fence_ = std::move(fence); }

  Result<json> get(const GroupVersionResource& gvr, const std::string& namespace_name,
                   const std::string& name);
  // One page: `{"items": [...], "metadata": {"resourceVersion", "continue"}}`.
  Result<json> list(const GroupVersionResource& gvr, const std::string& namespace_name,
                    const ListOptions& options = ListOptions());
  Result<json> create(const GroupVersionResource& gvr, const std::string& namespace_name,
                      const json& object, const WriteOptions& options = WriteOptions());
  // PUT of the whole object; metadata.resourceVersion guards it (a stale one is Conflict).
  Result<json> update(const GroupVersionResource& gvr, const json& object,
                      const WriteOptions& options = WriteOptions());
  Result<json> update_status(const GroupVersionResource& gvr, const json& object,
                             const WriteOptions& options = WriteOptions());
  Result<json> patch(const GroupVersionResource& gvr, const std::string& namespace_name,
                     const std::string& name, PatchType type, const std::string& body,
                     const PatchOptions& options = PatchOptions());
  // The deleted object (or the object marked for deletion when finalizers hold it), or the
  // Status the server returns for an immediate delete.
  Result<json> remove(const GroupVersionResource& gvr, const std::string& namespace_name,
                      const std::string& name, const DeleteOptions& options = DeleteOptions());

  // Streams watch events to `on_event` until the server ends the watch (Ok), `on_event` returns
  // false (Ok), `cancel` fires (kCancelled), or the request fails (the decoded error; a 410 is
  // kGone). An ERROR event is handed to on_event like any other: the caller decides.
  Status watch(const GroupVersionResource& gvr, const std::string& namespace_name,
               const WatchOptions& options, const std::function<bool(WatchEvent)>& on_event,
               std::shared_ptr<net::Cancellation> cancel = nullptr);

  const std::string& server() const { return server_; }

 private:
  struct Call {
    std::string verb;  // metric verb: GET, LIST, WATCH, POST, PUT, PATCH, DELETE
    net::HttpRequest request;
    bool idempotent = false;
    std::string what;  // "get virtualmachines.hyperv.operator.io ns/name" for messages
  };

  Result<net::HttpResponse> execute(Call call);
  Result<net::HttpResponse> send_once(Call& call);
  Status authorize(net::HttpRequest& request);
  Result<json> json_call(Call call);
  Result<json> put(const GroupVersionResource& gvr, const json& object, const WriteOptions& options,
                   const std::string& subresource, const std::string& verb);
  void record(const std::string& method, const std::string& verb, int code,
              std::chrono::duration<double> elapsed);

  std::shared_ptr<net::HttpClient> http_;
  std::string server_;
  std::shared_ptr<TokenSource> tokens_;
  RestClientOptions options_;
  const Clock& clock_;
  WriteFence write_fence_;
  TokenBucket limiter_;
  std::string host_;
  metrics::CounterFamily& requests_total_;
  metrics::HistogramFamily& request_duration_;
};

// Helpers over object metadata, used throughout the runtime.
std::string namespace_of(const json& object);
std::string name_of(const json& object);
std::string resource_version_of(const json& object);
// "ns/name" or "name": the store and work-queue key of an object.
std::string object_key(const json& object);

}  // namespace hvo::kube
