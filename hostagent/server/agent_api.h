// The agent's HTTP API as a function from request to response: routing, bearer-token check,
// body limit, validation, operations and metrics. No sockets here, so every route and refusal is
// unit-tested directly; AgentServer puts it behind HTTPS with mutual TLS.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "common/metrics/registry.h"
#include "common/net/http_types.h"
#include "hostagent/protocol/vm_spec_validation.h"
#include "hostagent/server/agent_metrics.h"
#include "hostagent/server/bearer_token.h"
#include "hostagent/server/lease_epoch_store.h"
#include "hostagent/server/operation_runner.h"
#include "hostagent/server/route.h"
#include "hostagent/server/vm_service.h"
#include "hostagent/sim/sim_driver.h"

namespace hvo::agent {

struct ApiOptions {
  int64_t max_body_bytes = 2 * 1024 * 1024;
  // The longest a mutating call waits for its operation before answering 202 with the id; a
  // request's `waitMs` query parameter may ask for less, never more.
  std::chrono::milliseconds operation_wait{2000};
  SpecLimits spec_limits;
};

class AgentApi {
 public:
  // `sim` is non-null only when the sim driver runs with its test endpoints enabled.
  AgentApi(VmService& service, OperationRunner& runner, TokenFile& token,
           metrics::Registry& registry, AgentMetrics& metrics, ApiOptions options,
           SimDriver* sim = nullptr);

  // The leader-Lease fence (protocol/lease_epoch.h): every authenticated request's epoch header
  // raises the store's highest epoch, and a request other than GET with a lower one is refused
  // with StaleLeaseEpoch (409). Without a store (tests of other things) the header is ignored.
  // Set before the API serves.
  void set_lease_epochs(LeaseEpochStore* store) { epochs_ = store; }

  net::HttpResponse handle(const net::HttpRequest& request);
  // The refusals that need no body, for the server's header stage (HttpServerConfig::
  // header_check): a missing or wrong token (401) and a Content-Length over the limit (413), so a
  // caller without the token cannot make the agent read a large body. nullopt: read the body
  // and handle() the request. handle() checks the same again.
  std::optional<net::HttpResponse> check_head(const net::HttpRequest& head);

 private:
  net::HttpResponse route(const net::HttpRequest& request, const RouteMatch& match);
  std::optional<net::HttpResponse> refusal(const net::HttpRequest& request, const RouteMatch& match,
                                           int64_t body_bytes);
  std::optional<net::HttpResponse> stale_epoch(const net::HttpRequest& request);
  void record(const net::HttpRequest& request, const RouteMatch& match,
              const net::HttpResponse& response, std::chrono::steady_clock::time_point start);
  net::HttpResponse get_host();
  net::HttpResponse get_vms();
  net::HttpResponse get_vm(const std::string& uid);
  net::HttpResponse put_vm(const net::HttpRequest& request, const std::string& uid);
  net::HttpResponse delete_vm(const net::HttpRequest& request, const std::string& uid);
  net::HttpResponse post_power(const net::HttpRequest& request, const std::string& uid);
  net::HttpResponse post_migrate(const net::HttpRequest& request, const std::string& uid);
  net::HttpResponse get_operation(const std::string& id);
  net::HttpResponse sim_faults(const net::HttpRequest& request);
  net::HttpResponse sim_edit(const net::HttpRequest& request, const std::string& uid);
  // How long this request may wait for its operation: min(waitMs, operation_wait), or
  // operation_wait without waitMs; InvalidSpec for a waitMs that is not a whole number.
  AgentResult<std::chrono::milliseconds> operation_wait(const net::HttpRequest& request) const;
  // Submits, waits up to `wait`, and answers 200 / error / 202 accordingly.
  net::HttpResponse run_operation(OperationKind kind, const std::string& uid,
                                  std::chrono::milliseconds wait, OperationRunner::Work work);

  VmService& service_;
  OperationRunner& runner_;
  TokenFile& token_;
  metrics::Registry& registry_;
  AgentMetrics& metrics_;
  const ApiOptions options_;
  SimDriver* sim_;
  LeaseEpochStore* epochs_ = nullptr;
};

}  // namespace hvo::agent
