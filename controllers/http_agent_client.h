// AgentClient over HTTPS with mutual TLS and a bearer token, for one host. Safe to share between
// threads (the underlying HttpClient is). Built from an AgentEndpoint; a client holds the
// credentials it was built with, so rotated credentials need a new one (AgentClientCache).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/net/http_client.h"
#include "controllers/agent_client.h"
#include "controllers/agent_client_metrics.h"
#include "controllers/agent_credentials.h"
#include "hostagent/protocol/lease_epoch.h"

namespace hvo::controllers {

class HttpAgentClient : public AgentClient {
 public:
  // `metrics` may be null (no metrics) and must outlive the client. `operation_wait`, when set,
  // is sent as `waitMs` with ensure, power and remove: the longest the agent holds the call
  // before answering 202 (it never waits longer than its own limits.operationWaitMs); unset, the
  // agent's limit applies. Fails with kInvalidArgument naming the host when the address or the
  // TLS material is unusable.
  static Result<std::unique_ptr<HttpAgentClient>> create(
      const AgentEndpoint& endpoint, AgentClientMetrics* metrics, std::chrono::milliseconds timeout,
      std::optional<std::chrono::milliseconds> operation_wait = std::nullopt);

  // Asked before every request that changes the host (ensure, power, remove: not GETs); an
  // error refuses it, unsent. The operator refuses agent calls of a replica that no longer holds
  // the leader Lease. Set before the client is shared.
  using WriteFence = std::function<Status()>;
  void set_write_fence(WriteFence fence) { write_fence_ = std::move(fence); }
  // The fencing token behind the write fence (hostagent/protocol/lease_epoch.h): `epoch` is
  // asked before every request, reads included (an agent learns a new leader's epoch from its
  // first host poll), and its answer sent in the X-Hvo-Lease-Epoch/-Holder headers (nullopt:
  // none). `superseded` is told of an agent's StaleLeaseEpoch refusal, which the call also
  // returns as a non-retryable AgentError: some agent has seen a later leader. Set before the
  // client is shared; either may be empty.
  using LeaseEpochSource = std::function<std::optional<agent::LeaseEpoch>()>;
  using SupersededHandler = std::function<void(const AgentError& refusal)>;
  void set_lease_epoch(LeaseEpochSource epoch, SupersededHandler superseded) {
    lease_epoch_ = std::move(epoch);
    superseded_ = std::move(superseded);
  }

  AgentCallResult<agent::HostInfo> host_info() override;
  AgentCallResult<agent::Inventory> inventory() override;
  AgentCallResult<std::optional<agent::VmStatus>> vm(const std::string& uid) override;
  AgentCallResult<agent::Operation> ensure(const agent::VmSpec& spec) override;
  AgentCallResult<agent::Operation> power(const std::string& uid,
                                          const agent::PowerRequest& request) override;
  AgentCallResult<agent::Operation> remove(const std::string& uid) override;
  AgentCallResult<agent::Operation> release(const std::string& uid) override;
  AgentCallResult<agent::Operation> migrate(const std::string& uid,
                                            const agent::MigrateRequest& request) override;
  AgentCallResult<agent::Operation> get_operation(const std::string& id) override;

 private:
  HttpAgentClient(std::string host, std::string token, std::unique_ptr<net::HttpClient> http,
                  AgentClientMetrics* metrics,
                  std::optional<std::chrono::milliseconds> operation_wait);

  // A mutating request (PUT, POST power, DELETE) with `waitMs` when operation_wait_ is set.
  net::HttpRequest operation_request(std::string method, std::string path,
                                     std::string body = {}) const;

  // Sends the request and times it; a 2xx answer is returned as is, anything else becomes an
  // AgentError whose message starts with "host <name>: <operation>". decode() counts errors, so
  // a caller that accepts an error (remove of a missing VM) does not count it.
  // Sends a DELETE of `uid` (remove or release); a VM the agent does not know is already gone
  // (a retried delete, or removed by hand), so that answer is a finished operation.
  AgentCallResult<agent::Operation> delete_vm(const std::string& operation, const std::string& uid,
                                              net::HttpRequest request);
  AgentCallResult<net::HttpResponse> exchange(const std::string& operation,
                                              net::HttpRequest request);
  AgentError error(const std::string& operation, AgentFailure failure, int http_status,
                   const std::string& message) const;
  // Records a failed call in the metrics and the debug log; returns it.
  AgentError count(const std::string& operation, AgentError error) const;

  // Parses a 2xx body with `parse` (a protocol parse_* function); errors are counted.
  template <typename T, typename Parse>
  AgentCallResult<T> decode(const std::string& operation,
                            const AgentCallResult<net::HttpResponse>& response, Parse parse);

  const std::string host_;
  const std::string token_;
  const std::unique_ptr<net::HttpClient> http_;
  AgentClientMetrics* const metrics_;
  const std::optional<std::chrono::milliseconds> operation_wait_;
  WriteFence write_fence_;
  LeaseEpochSource lease_epoch_;
  SupersededHandler superseded_;
};

}  // namespace hvo::controllers
