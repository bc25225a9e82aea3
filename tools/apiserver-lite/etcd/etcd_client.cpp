#include "tools/apiserver-lite/etcd/etcd_client.h"

#include <spdlog/spdlog.h>

#include "tools/apiserver-lite/etcd/etcd_json.h"

namespace hvo::apiserver::etcd {

using nlohmann::json;

Result<std::unique_ptr<EtcdClient>> EtcdClient::create(const std::string& endpoint) {
  net::HttpClientConfig config;
  config.base_url = endpoint;
  config.timeout = std::chrono::seconds(30);
  auto http = net::HttpClient::create(config);
  if (!http.ok())
    return http.error().with_context("etcd endpoint " + endpoint);
  return std::unique_ptr<EtcdClient>(new EtcdClient(endpoint, std::move(http).value()));
}

Result<json> EtcdClient::post(const std::string& path, const json& body,
                              const std::string& operation, bool idempotent) {
  net::HttpRequest request;
  request.method = "POST";
  request.path = path;
  request.headers["Content-Type"] = "application/json";
  request.body = body.dump();
  // The gateway takes every call as a POST. Reads may be resent after a connection failure
  // (the HTTP client does it once); a transaction sent whole may have been applied, so it is not:
  // resending it would fail its compare and report a conflict for our own write.
  request.idempotent = idempotent;
  auto response = http_->send(request);
  if (!response.ok()) {
    return response.error().with_context("etcd " + operation + " at " + endpoint_);
  }
  if (response->status != 200)
    return gateway_error(response->status, response->body, operation);
  try {
    return json::parse(response->body);
  } catch (const std::exception& e) {
    return Error(ErrorCode::kInternal, "etcd " + operation + ": response is not JSON: " + e.what());
  }
}

Result<RangeResult> EtcdClient::range(const std::string& key, const std::string& range_end,
                                      int64_t limit, int64_t revision) {
  auto body = post("/v3/kv/range", range_request(key, range_end, limit, revision), "range",
                   /*idempotent=*/true);
  if (!body.ok())
    return body.error();
  return parse_range_response(*body);
}

Result<TxnResult> EtcdClient::put_if(const std::string& key, const std::string& value,
                                     int64_t expected_mod_revision, int64_t lease) {
  auto body =
      post("/v3/kv/txn", put_if_mod_revision_request(key, value, expected_mod_revision, lease),
           "txn put");
  if (!body.ok())
    return body.error();
  return parse_txn_response(*body);
}

Result<TxnResult> EtcdClient::delete_if(const std::string& key, int64_t expected_mod_revision) {
  auto body =
      post("/v3/kv/txn", delete_if_mod_revision_request(key, expected_mod_revision), "txn delete");
  if (!body.ok())
    return body.error();
  return parse_txn_response(*body);
}

Result<int64_t> EtcdClient::delete_range(const std::string& key, const std::string& range_end) {
  auto body = post("/v3/kv/deleterange", delete_range_request(key, range_end), "delete range",
                   /*idempotent=*/true);
  if (!body.ok())
    return body.error();
  auto header = body->value("header", json::object());
  return static_cast<int64_t>(std::stoll(header.value("revision", "0")));
}

Result<int64_t> EtcdClient::grant_lease(std::chrono::seconds ttl) {
  auto body = post("/v3/lease/grant", {{"TTL", std::to_string(ttl.count())}}, "lease grant");
  if (!body.ok())
    return body.error();
  try {
    return std::stoll(body->at("ID").get<std::string>());
  } catch (const std::exception& e) {
    return Error(ErrorCode::kInternal, std::string("etcd lease grant: no lease ID: ") + e.what());
  }
}

Status EtcdClient::compact(int64_t revision) {
  auto body = post("/v3/kv/compaction", {{"revision", std::to_string(revision)}}, "compaction",
                   /*idempotent=*/true);
  if (!body.ok())
    return body.error();
  return OkStatus();
}

Result<int64_t> EtcdClient::current_revision() {
  // A range over one key that cannot exist answers with the store revision in its header.
  auto result = range(std::string(1, '\0'));
  if (!result.ok())
    return result.error();
  return result->revision;
}

Status EtcdClient::watch(const std::string& key, const std::string& range_end,
                         int64_t start_revision,
                         const std::function<bool(const WatchResponse&)>& on_response,
                         std::shared_ptr<net::Cancellation> cancel) {
  net::HttpRequest request;
  request.method = "POST";
  request.path = "/v3/watch";
  request.headers["Content-Type"] = "application/json";
  request.body = watch_create_request(key, range_end, start_revision).dump();
  request.idempotent = true;  // opening a watch changes nothing
  Status parse_status;
  auto on_line = [&](std::string_view line) {
    if (line.empty())
      return true;
    auto response = parse_watch_line(std::string(line));
    if (!response.ok()) {
      parse_status = response.error();
      return false;
    }
    return on_response(*response);
  };
  // etcd sends nothing on an idle watch; the idle bound only guards against a dead connection.
  auto response = http_->stream_lines(request, on_line, std::move(cancel), std::chrono::hours(24));
  if (!response.ok())
    return response.error().with_context("etcd watch at " + endpoint_);
  if (response->status != 200)
    return gateway_error(response->status, response->body, "watch");
  return parse_status;
}

}  // namespace hvo::apiserver::etcd
