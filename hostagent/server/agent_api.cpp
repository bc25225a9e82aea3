#include "hostagent/server/agent_api.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "hostagent/protocol/inventory_digest.h"
#include "hostagent/protocol/lease_epoch.h"
#include "hostagent/sim/sim_faults_json.h"

namespace hvo::agent {
namespace {

net::HttpResponse json_response(int status, const nlohmann::json& body) {
  net::HttpResponse response;
  response.status = status;
  response.headers["Content-Type"] = "application/json";
  response.body = body.dump();
  return response;
}

net::HttpResponse error_response(const ErrorBody& error) {
  auto response = json_response(http_status_for(error.code), error);
  if (error.code == AgentErrorCode::kUnauthorized) {
    response.headers["WWW-Authenticate"] = "Bearer";
  }
  return response;
}

net::HttpResponse method_not_allowed(const net::HttpRequest& request, const char* allowed) {
  auto response = error_response(make_error(AgentErrorCode::kMethodNotAllowed,
                                            request.method + " is not allowed on " + request.path));
  response.headers["Allow"] = allowed;
  return response;
}

// Up to 9 digits: a wait of about 11 days at most, far past any agent's limit, and no overflow.
constexpr std::size_t kMaxWaitDigits = 9;

ErrorBody bad_uid(const std::string& uid) {
  return make_error(AgentErrorCode::kInvalidSpec,
                    "uid '" + uid.substr(0, 80) + "' must be 1-64 characters of [A-Za-z0-9-]");
}

}  // namespace

AgentApi::AgentApi(VmService& service, OperationRunner& runner, TokenFile& token,
                   metrics::Registry& registry, AgentMetrics& metrics, ApiOptions options,
                   SimDriver* sim)
    : service_(service),
      runner_(runner),
      token_(token),
      registry_(registry),
      metrics_(metrics),
      options_(options),
      sim_(sim) {}

std::optional<net::HttpResponse> AgentApi::refusal(const net::HttpRequest& request,
                                                   const RouteMatch& match, int64_t body_bytes) {
  // Health needs no token (mutual TLS still applies): probes and load balancers hold no secret.
  const bool needs_token = match.id != RouteId::kHealthz;
  const std::string authorization = request.header("Authorization");
  const auto presented = bearer_token(authorization);
  if (needs_token && (!presented || !token_.matches(*presented))) {
    spdlog::warn("request_unauthorized method={} route={} reason={}", request.method, match.label,
                 presented ? "wrong_token" : "no_token");
    return error_response(
        make_error(AgentErrorCode::kUnauthorized, "a valid bearer token is required"));
  }
  if (body_bytes > options_.max_body_bytes) {
    return error_response(make_error(
        AgentErrorCode::kPayloadTooLarge,
        "request body larger than " + std::to_string(options_.max_body_bytes) + " bytes"));
  }
  if (needs_token)
    return stale_epoch(request);
  return std::nullopt;
}

std::optional<net::HttpResponse> AgentApi::stale_epoch(const net::HttpRequest& request) {
  const std::string text = request.header(kLeaseEpochHeader);
  if (epochs_ == nullptr || text.empty())
    return std::nullopt;  // no leader election on the caller's side: nothing to fence
  const auto epoch = parse_lease_epoch(text);
  if (!epoch) {
    return error_response(
        make_error(AgentErrorCode::kInvalidSpec, std::string(kLeaseEpochHeader) +
                                                     " must be a whole number, got '" +
                                                     text.substr(0, 40) + "'"));
  }
  const std::string holder = request.header(kLeaseHolderHeader).substr(0, 256);
  const auto verdict = epochs_->observe({*epoch, holder});
  if (verdict.persist_error) {
    spdlog::error("lease_epoch_not_persisted epoch={} error=\"{}\"", *epoch,
                  verdict.persist_error->message());
  }
  // Reads are served whatever their epoch: they change nothing, and a former leader's host poll
  // must not look like an unreachable host to it.
  if (!verdict.stale || request.method == "GET")
    return std::nullopt;
  const LeaseEpoch& highest = *verdict.highest;
  spdlog::warn(
      "request_refused_stale_lease_epoch method={} path={} epoch={} holder={} "
      "highestEpoch={} highestHolder={}",
      request.method, request.path, *epoch, holder, highest.epoch, highest.holder);
  return error_response(
      make_error(AgentErrorCode::kStaleLeaseEpoch,
                 "leader Lease epoch " + std::to_string(*epoch) + " (holder " + holder +
                     ") is older than epoch " + std::to_string(highest.epoch) + " (holder " +
                     highest.holder + ") already seen by this agent: the caller no longer leads"));
}

void AgentApi::record(const net::HttpRequest& request, const RouteMatch& match,
                      const net::HttpResponse& response,
                      std::chrono::steady_clock::time_point start) {
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  metrics_.http_requests.with({request.method, match.label, std::to_string(response.status)}).inc();
  metrics_.http_duration.with({request.method, match.label}).observe(took.count());
  if (request.method == "GET") {
    spdlog::debug("request_served method={} route={} status={} seconds={:.4f}", request.method,
                  match.label, response.status, took.count());
    return;
  }
  // Every change asked of the host, with the caller's Lease epoch: the record of who changed what
  // and when (the chaos suite reads it to find a former leader's accepted calls).
  // A refusal names its code (StaleLeaseEpoch is the fence, Conflict the VM's state, ...).
  const char* error =
      response.status >= 400 ? to_string(parse_error_body(response.body).code) : "-";
  spdlog::info(
      "write_served method={} route={} uid={} status={} error={} leaseEpoch={} leaseHolder={} "
      "seconds={:.4f}",
      request.method, match.label, is_valid_uid(match.param) ? match.param : "-", response.status,
      error, request.header(kLeaseEpochHeader, "none"),
      request.header(kLeaseHolderHeader, "none").substr(0, 256), took.count());
}

std::optional<net::HttpResponse> AgentApi::check_head(const net::HttpRequest& head) {
  const auto start = std::chrono::steady_clock::now();
  const RouteMatch match = match_route(head.path);
  int64_t announced = 0;
  const std::string length = head.header("Content-Length");
  if (!length.empty()) {
    // The server has parsed it already; an unparsable value cannot get here.
    announced = static_cast<int64_t>(std::strtoull(length.c_str(), nullptr, 10));
  }
  auto refused = refusal(head, match, announced);
  if (refused)
    record(head, match, *refused, start);
  return refused;
}

net::HttpResponse AgentApi::handle(const net::HttpRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  const RouteMatch match = match_route(request.path);
  auto refused = refusal(request, match, static_cast<int64_t>(request.body.size()));
  net::HttpResponse response = refused ? std::move(*refused) : route(request, match);
  record(request, match, response, start);
  return response;
}

net::HttpResponse AgentApi::route(const net::HttpRequest& request, const RouteMatch& match) {
  const std::string& method = request.method;
  switch (match.id) {
    case RouteId::kHealthz:
      if (method != "GET")
        return method_not_allowed(request, "GET");
      return {200, {{"Content-Type", "text/plain"}}, "ok\n"};
    case RouteId::kMetrics:
      if (method != "GET")
        return method_not_allowed(request, "GET");
      metrics_.operations_in_flight.with({}).set(static_cast<double>(runner_.in_flight()));
      return {200, {{"Content-Type", metrics::kExpositionContentType}}, registry_.expose()};
    case RouteId::kHost:
      if (method != "GET")
        return method_not_allowed(request, "GET");
      return get_host();
    case RouteId::kVms:
      if (method != "GET")
        return method_not_allowed(request, "GET");
      return get_vms();
    case RouteId::kVm:
      if (!is_valid_uid(match.param))
        return error_response(bad_uid(match.param));
      if (method == "GET")
        return get_vm(match.param);
      if (method == "PUT")
        return put_vm(request, match.param);
      if (method == "DELETE")
        return delete_vm(request, match.param);
      return method_not_allowed(request, "GET, PUT, DELETE");
    case RouteId::kVmPower:
      if (!is_valid_uid(match.param))
        return error_response(bad_uid(match.param));
      if (method != "POST")
        return method_not_allowed(request, "POST");
      return post_power(request, match.param);
    case RouteId::kVmMigrate:
      if (!is_valid_uid(match.param))
        return error_response(bad_uid(match.param));
      if (method != "POST")
        return method_not_allowed(request, "POST");
      return post_migrate(request, match.param);
    case RouteId::kOperation:
      if (method != "GET")
        return method_not_allowed(request, "GET");
      return get_operation(match.param);
    case RouteId::kSimFaults:
      if (sim_ == nullptr)
        break;  // not offered: looks like any unknown path
      return sim_faults(request);
    case RouteId::kSimEdit:
      if (sim_ == nullptr)
        break;
      if (!is_valid_uid(match.param))
        return error_response(bad_uid(match.param));
      if (method != "POST")
        return method_not_allowed(request, "POST");
      return sim_edit(request, match.param);
    case RouteId::kUnknown:
      break;
  }
  return error_response(make_error(AgentErrorCode::kNotFound, "no route " + request.path));
}

net::HttpResponse AgentApi::get_host() {
  auto info = service_.driver().host_info();
  if (!info.ok())
    return error_response(info.error());
  // The poller reads the inventory only when this changed. A host whose VMs cannot be read
  // now still answers who it is; the missing digest sends the poller to GET /v1/vms, which
  // reports the failure.
  auto inventory = service_.driver().inventory();
  if (inventory.ok())
    info->inventory_digest = inventory_digest(*inventory);
  else
    spdlog::warn("inventory_digest_unavailable error=\"{}\"", inventory.error().message);
  return json_response(200, info.value());
}

net::HttpResponse AgentApi::get_vms() {
  auto inventory = service_.driver().inventory();
  if (!inventory.ok())
    return error_response(inventory.error());
  inventory->digest = inventory_digest(*inventory);
  return json_response(200, inventory.value());
}

net::HttpResponse AgentApi::get_vm(const std::string& uid) {
  auto vm = service_.driver().vm(uid);
  if (!vm.ok())
    return error_response(vm.error());
  return json_response(200, vm.value());
}

AgentResult<std::chrono::milliseconds> AgentApi::operation_wait(
    const net::HttpRequest& request) const {
  const auto found = request.query.find("waitMs");
  if (found == request.query.end())
    return options_.operation_wait;
  const std::string& text = found->second;
  const bool digits_only =
      !text.empty() && text.size() <= kMaxWaitDigits &&
      std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
  if (!digits_only) {
    return make_error(AgentErrorCode::kInvalidSpec,
                      "query parameter waitMs must be a whole number of milliseconds (0 to " +
                          std::string(kMaxWaitDigits, '9') + "), got '" + text.substr(0, 40) + "'");
  }
  return std::min(std::chrono::milliseconds(std::stoll(text)), options_.operation_wait);
}

net::HttpResponse AgentApi::put_vm(const net::HttpRequest& request, const std::string& uid) {
  const auto wait = operation_wait(request);
  if (!wait.ok())
    return error_response(wait.error());
  auto parsed = parse_vm_spec(request.body);
  if (!parsed.ok())
    return error_response(parsed.error());
  if (parsed->uid != uid) {
    return error_response(make_error(AgentErrorCode::kInvalidSpec,
                                     "uid in the body (" + parsed->uid.substr(0, 80) +
                                         ") differs from the uid in the path (" + uid + ")"));
  }
  auto spec = validate_vm_spec(std::move(parsed).value(), options_.spec_limits);
  if (!spec.ok())
    return error_response(spec.error());
  return run_operation(OperationKind::kEnsure, uid, *wait,
                       [this, spec = std::move(spec).value()](Operation& outcome) {
                         auto result = service_.ensure(spec);
                         if (result.ok()) {
                           outcome.ensure_result = std::move(result).value();
                         } else {
                           outcome.error = result.error();
                         }
                       });
}

net::HttpResponse AgentApi::delete_vm(const net::HttpRequest& request, const std::string& uid) {
  const auto wait = operation_wait(request);
  if (!wait.ok())
    return error_response(wait.error());
  // ?policy=Orphan (spec.deletionPolicy): the VM stays on the host without the owner marker.
  const bool orphan = request.query_param("policy") == "Orphan";
  return run_operation(OperationKind::kDelete, uid, *wait, [this, uid, orphan](Operation& outcome) {
    auto status = orphan ? service_.release(uid) : service_.remove(uid);
    if (!status.ok())
      outcome.error = status.error();
  });
}

net::HttpResponse AgentApi::post_power(const net::HttpRequest& request, const std::string& uid) {
  const auto wait = operation_wait(request);
  if (!wait.ok())
    return error_response(wait.error());
  auto parsed = parse_power_request(request.body);
  if (!parsed.ok())
    return error_response(parsed.error());
  return run_operation(OperationKind::kPower, uid, *wait,
                       [this, uid, power = parsed.value()](Operation& outcome) {
                         auto result = service_.power(uid, power);
                         if (result.ok()) {
                           outcome.vm = std::move(result).value();
                         } else {
                           outcome.error = result.error();
                         }
                       });
}

net::HttpResponse AgentApi::post_migrate(const net::HttpRequest& request, const std::string& uid) {
  const auto wait = operation_wait(request);
  if (!wait.ok())
    return error_response(wait.error());
  auto parsed = parse_migrate_request(request.body);
  if (!parsed.ok())
    return error_response(parsed.error());
  return run_operation(
      OperationKind::kMigrate, uid, *wait, [this, uid, move = parsed.value()](Operation& outcome) {
        const std::string id = outcome.id;
        auto result = service_.migrate(
            uid, move, [this, id](int64_t percent) { runner_.set_progress(id, percent); });
        if (result.ok()) {
          outcome.migrate_result = std::move(result).value();
        } else {
          outcome.error = result.error();
        }
      });
}

net::HttpResponse AgentApi::run_operation(OperationKind kind, const std::string& uid,
                                          std::chrono::milliseconds wait,
                                          OperationRunner::Work work) {
  auto submitted = runner_.submit(kind, uid, std::move(work));
  if (!submitted.ok())
    return error_response(submitted.error());
  const auto op = runner_.wait(submitted->id, wait);
  if (!op) {
    return error_response(
        make_error(AgentErrorCode::kInternal, "operation " + submitted->id + " vanished"));
  }
  if (op->state == OperationState::kFailed)
    return error_response(*op->error);
  if (op->finished())
    return json_response(200, *op);
  auto response = json_response(202, *op);
  response.headers["Location"] = "/v1/operations/" + op->id;
  return response;
}

net::HttpResponse AgentApi::get_operation(const std::string& id) {
  const auto op = runner_.get(id);
  if (!op) {
    return error_response(make_error(AgentErrorCode::kNotFound,
                                     "no operation " + id.substr(0, 80) + " (unknown or expired)"));
  }
  return json_response(200, *op);
}

net::HttpResponse AgentApi::sim_faults(const net::HttpRequest& request) {
  if (request.method == "GET") {
    return {200, {{"Content-Type", "application/json"}}, encode_sim_faults(sim_->faults())};
  }
  if (request.method != "PUT")
    return method_not_allowed(request, "GET, PUT");
  auto faults = parse_sim_faults(request.body);
  if (!faults.ok())
    return error_response(faults.error());
  sim_->set_faults(faults.value());
  spdlog::warn("sim_faults_set host_down={} failing_vms={} create_failure_ratio={}",
               faults->host_down, faults->failing_vms.size(), faults->create_failure_ratio);
  return {200, {{"Content-Type", "application/json"}}, encode_sim_faults(faults.value())};
}

// A person changing the VM on the host behind the operator's back (Set-VMProcessor, Set-VMMemory,
// Set-VMNetworkAdapterVlan, Resize-VHD): what the drift check must notice and undo.
net::HttpResponse AgentApi::sim_edit(const net::HttpRequest& request, const std::string& uid) {
  auto edit = parse_sim_edit(request.body);
  if (!edit.ok())
    return error_response(edit.error());
  auto vm = sim_->edit(uid, edit.value());
  if (!vm.ok())
    return error_response(vm.error());
  spdlog::warn("sim_vm_edited uid={}", uid);
  return json_response(200, vm.value());
}

}  // namespace hvo::agent
