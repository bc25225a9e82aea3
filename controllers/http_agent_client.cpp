#include "controllers/http_agent_client.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

namespace hvo::controllers {
namespace {

using Clock = std::chrono::steady_clock;

net::HttpRequest make_request(std::string method, std::string path, std::string body = {}) {
  net::HttpRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  request.body = std::move(body);
  if (!request.body.empty())
    request.headers["Content-Type"] = "application/json";
  request.headers["Accept"] = "application/json";
  return request;
}

std::string to_body(const nlohmann::json& json) {
  return json.dump();
}

// The body of GET /v1/vms/{uid}, in the protocol's result shape so decode() treats it like the
// protocol's own parse_* functions.
agent::AgentResult<std::optional<agent::VmStatus>> parse_optional_vm_status(std::string_view body) {
  try {
    return std::optional<agent::VmStatus>(
        agent::wire::read_vm_status(nlohmann::json::parse(body), ""));
  } catch (const std::exception& e) {
    return agent::make_error(agent::AgentErrorCode::kInternal, e.what());
  }
}

}  // namespace

Result<std::unique_ptr<HttpAgentClient>> HttpAgentClient::create(
    const AgentEndpoint& endpoint, AgentClientMetrics* metrics, std::chrono::milliseconds timeout,
    std::optional<std::chrono::milliseconds> operation_wait) {
  const std::string context = "host " + endpoint.host;
  if (endpoint.address.rfind("https://", 0) != 0) {
    return Error(ErrorCode::kInvalidArgument,
                 context + ": spec.address must be an https URL, got \"" + endpoint.address + "\"");
  }
  net::HttpClientConfig config;
  config.base_url = endpoint.address;
  while (!config.base_url.empty() && config.base_url.back() == '/')
    config.base_url.pop_back();
  config.timeout = timeout;
  config.tls.ca_pem = endpoint.credentials.ca_pem;
  config.tls.cert_pem = endpoint.credentials.cert_pem;
  config.tls.key_pem = endpoint.credentials.key_pem;
  auto http = net::HttpClient::create(config);
  if (!http.ok())
    return http.error().with_context(context);
  if (operation_wait && operation_wait->count() < 0) {
    return Error(ErrorCode::kInvalidArgument,
                 context + ": the operation wait must not be negative, got " +
                     std::to_string(operation_wait->count()) + "ms");
  }
  return std::unique_ptr<HttpAgentClient>(new HttpAgentClient(
      endpoint.host, endpoint.credentials.token, std::move(http).value(), metrics, operation_wait));
}

HttpAgentClient::HttpAgentClient(std::string host, std::string token,
                                 std::unique_ptr<net::HttpClient> http, AgentClientMetrics* metrics,
                                 std::optional<std::chrono::milliseconds> operation_wait)
    : host_(std::move(host)),
      token_(std::move(token)),
      http_(std::move(http)),
      metrics_(metrics),
      operation_wait_(operation_wait) {}

net::HttpRequest HttpAgentClient::operation_request(std::string method, std::string path,
                                                    std::string body) const {
  net::HttpRequest request = make_request(std::move(method), std::move(path), std::move(body));
  if (operation_wait_)
    request.query["waitMs"] = std::to_string(operation_wait_->count());
  return request;
}

AgentError HttpAgentClient::error(const std::string& operation, AgentFailure failure,
                                  int http_status, const std::string& message) const {
  AgentError error;
  error.host = host_;
  error.operation = operation;
  error.failure = failure;
  error.http_status = http_status;
  error.message = "host " + host_ + ": " + operation + ": " + message;
  return error;
}

AgentError HttpAgentClient::count(const std::string& operation, AgentError error) const {
  if (metrics_)
    metrics_->count_error(host_, operation, error.code_label());
  spdlog::debug("agent_call_failed host={} operation={} code={} status={}", host_, operation,
                error.code_label(), error.http_status);
  return error;
}

AgentCallResult<net::HttpResponse> HttpAgentClient::exchange(const std::string& operation,
                                                             net::HttpRequest request) {
  if (write_fence_ && request.method != "GET") {
    if (Status fenced = write_fence_(); !fenced.ok())
      return error(operation, AgentFailure::kRejected, 0, fenced.error().message());
  }
  if (lease_epoch_) {
    if (const auto epoch = lease_epoch_()) {
      request.headers[agent::kLeaseEpochHeader] = std::to_string(epoch->epoch);
      request.headers[agent::kLeaseHolderHeader] = epoch->holder;
    }
  }
  request.headers["Authorization"] = "Bearer " + token_;
  const auto started = Clock::now();
  auto response = http_->send(request);
  if (metrics_) {
    const std::chrono::duration<double> took = Clock::now() - started;
    metrics_->observe_duration(host_, operation, took.count());
  }

  if (!response.ok()) {
    const auto failure = response.error().code() == ErrorCode::kTimeout
                             ? AgentFailure::kTimeout
                             : AgentFailure::kUnreachable;
    return error(operation, failure, 0, response.error().message());
  }
  if (response->status >= 200 && response->status < 300)
    return std::move(response).value();

  const agent::ErrorBody body = agent::parse_error_body(response->body);
  AgentError rejected = error(operation, AgentFailure::kRejected, response->status,
                              std::string(agent::to_string(body.code)) + ": " + body.message);
  rejected.code = body.code;
  if (body.code == agent::AgentErrorCode::kStaleLeaseEpoch && superseded_)
    superseded_(rejected);
  return rejected;
}

template <typename T, typename Parse>
AgentCallResult<T> HttpAgentClient::decode(const std::string& operation,
                                           const AgentCallResult<net::HttpResponse>& response,
                                           Parse parse) {
  if (!response.ok())
    return count(operation, response.error());
  auto parsed = parse(response->body);
  if (!parsed.ok()) {
    return count(operation, error(operation, AgentFailure::kBadResponse, response->status,
                                  "unreadable answer: " + parsed.error().message));
  }
  return std::move(parsed).value();
}

AgentCallResult<agent::HostInfo> HttpAgentClient::host_info() {
  const std::string operation = "host_info";
  return decode<agent::HostInfo>(operation, exchange(operation, make_request("GET", "/v1/host")),
                                 agent::parse_host_info);
}

AgentCallResult<agent::Inventory> HttpAgentClient::inventory() {
  const std::string operation = "inventory";
  return decode<agent::Inventory>(operation, exchange(operation, make_request("GET", "/v1/vms")),
                                  agent::parse_inventory);
}

AgentCallResult<std::optional<agent::VmStatus>> HttpAgentClient::vm(const std::string& uid) {
  const std::string operation = "get_vm";
  auto response = exchange(operation, make_request("GET", "/v1/vms/" + uid));
  if (!response.ok() && response.error().is(agent::AgentErrorCode::kNotFound))
    return std::optional<agent::VmStatus>();  // not (or no longer) on the host
  return decode<std::optional<agent::VmStatus>>(operation, response, parse_optional_vm_status);
}

AgentCallResult<agent::Operation> HttpAgentClient::ensure(const agent::VmSpec& spec) {
  const std::string operation = "ensure";
  nlohmann::json body;
  agent::to_json(body, spec);
  return decode<agent::Operation>(
      operation,
      exchange(operation, operation_request("PUT", "/v1/vms/" + spec.uid, to_body(body))),
      agent::parse_operation);
}

AgentCallResult<agent::Operation> HttpAgentClient::power(const std::string& uid,
                                                         const agent::PowerRequest& request) {
  const std::string operation = "power";
  nlohmann::json body;
  agent::to_json(body, request);
  return decode<agent::Operation>(
      operation,
      exchange(operation, operation_request("POST", "/v1/vms/" + uid + "/power", to_body(body))),
      agent::parse_operation);
}

AgentCallResult<agent::Operation> HttpAgentClient::migrate(const std::string& uid,
                                                           const agent::MigrateRequest& request) {
  const std::string operation = "migrate";
  nlohmann::json body;
  agent::to_json(body, request);
  return decode<agent::Operation>(
      operation,
      exchange(operation, operation_request("POST", "/v1/vms/" + uid + "/migrate", to_body(body))),
      agent::parse_operation);
}

AgentCallResult<agent::Operation> HttpAgentClient::delete_vm(const std::string& operation,
                                                             const std::string& uid,
                                                             net::HttpRequest request) {
  auto response = exchange(operation, std::move(request));
  if (!response.ok() && response.error().is(agent::AgentErrorCode::kNotFound)) {
    agent::Operation done;
    done.kind = agent::OperationKind::kDelete;
    done.uid = uid;
    done.state = agent::OperationState::kSucceeded;
    return done;
  }
  return decode<agent::Operation>(operation, response, agent::parse_operation);
}

AgentCallResult<agent::Operation> HttpAgentClient::remove(const std::string& uid) {
  return delete_vm("remove", uid, operation_request("DELETE", "/v1/vms/" + uid));
}

AgentCallResult<agent::Operation> HttpAgentClient::release(const std::string& uid) {
  net::HttpRequest request = operation_request("DELETE", "/v1/vms/" + uid);
  request.query["policy"] = "Orphan";
  return delete_vm("release", uid, std::move(request));
}

AgentCallResult<agent::Operation> HttpAgentClient::get_operation(const std::string& id) {
  const std::string operation = "get_operation";
  return decode<agent::Operation>(operation,
                                  exchange(operation, make_request("GET", "/v1/operations/" + id)),
                                  agent::parse_operation);
}

}  // namespace hvo::controllers
