// One AgentClient per host, reused across reconciles (keep-alive connections and TLS sessions),
// rebuilt when the host's address or credentials change (a rotated Secret has a new
// resourceVersion). The AgentConnector seam lets tests hand out fakes.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "controllers/agent_client.h"
#include "controllers/agent_client_metrics.h"
#include "controllers/agent_credentials.h"
#include "controllers/http_agent_client.h"

namespace hvo::controllers {

class AgentConnector {
 public:
  virtual ~AgentConnector() = default;
  virtual Result<std::shared_ptr<AgentClient>> connect(const AgentEndpoint& endpoint) = 0;
};

// Connects with HttpAgentClient.
class HttpAgentConnector : public AgentConnector {
 public:
  // `metrics` may be null and must outlive the connector and its clients. `operation_wait` is
  // what the clients send as waitMs (HttpAgentClient::create); unset, the agent's own limit.
  HttpAgentConnector(AgentClientMetrics* metrics, std::chrono::milliseconds timeout,
                     std::optional<std::chrono::milliseconds> operation_wait = std::nullopt)
      : metrics_(metrics), timeout_(timeout), operation_wait_(operation_wait) {}
  Result<std::shared_ptr<AgentClient>> connect(const AgentEndpoint& endpoint) override;
  // Given to every client it builds (HttpAgentClient::set_write_fence); set before use.
  void set_write_fence(HttpAgentClient::WriteFence fence) { write_fence_ = std::move(fence); }
  // The same for HttpAgentClient::set_lease_epoch.
  void set_lease_epoch(HttpAgentClient::LeaseEpochSource epoch,
                       HttpAgentClient::SupersededHandler superseded) {
    lease_epoch_ = std::move(epoch);
    superseded_ = std::move(superseded);
  }

 private:
  HttpAgentClient::WriteFence write_fence_;
  HttpAgentClient::LeaseEpochSource lease_epoch_;
  HttpAgentClient::SupersededHandler superseded_;
  AgentClientMetrics* const metrics_;
  const std::chrono::milliseconds timeout_;
  const std::optional<std::chrono::milliseconds> operation_wait_;
};

class AgentClientCache {
 public:
  explicit AgentClientCache(AgentConnector& connector) : connector_(connector) {}

  // The host's client, built on first use or when address or credentials_version differ from
  // the cached one's. A client handed out earlier stays usable by whoever holds it.
  Result<std::shared_ptr<AgentClient>> get(const AgentEndpoint& endpoint);
  // The host's client if one was built for this address and credentials_version, else null:
  // lets a caller skip decoding the credentials when nothing changed.
  std::shared_ptr<AgentClient> find(const std::string& host, const std::string& address,
                                    const std::string& credentials_version);
  // Drops a deleted host's client.
  void forget(const std::string& host);

 private:
  struct Entry {
    std::string address;
    std::string credentials_version;
    std::shared_ptr<AgentClient> client;
  };

  AgentConnector& connector_;
  std::mutex mu_;
  std::map<std::string, Entry> entries_;  // by host name
};

}  // namespace hvo::controllers
