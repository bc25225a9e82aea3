#include "controllers/agent_client_cache.h"

#include <spdlog/spdlog.h>

#include "controllers/http_agent_client.h"

namespace hvo::controllers {

Result<std::shared_ptr<AgentClient>> HttpAgentConnector::connect(const AgentEndpoint& endpoint) {
  auto client = HttpAgentClient::create(endpoint, metrics_, timeout_, operation_wait_);
  if (!client.ok())
    return client.error();
  if (write_fence_)
    (*client)->set_write_fence(write_fence_);
  (*client)->set_lease_epoch(lease_epoch_, superseded_);
  return std::shared_ptr<AgentClient>(std::move(client).value());
}

Result<std::shared_ptr<AgentClient>> AgentClientCache::get(const AgentEndpoint& endpoint) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto found = entries_.find(endpoint.host);
  if (found != entries_.end() && found->second.address == endpoint.address &&
      found->second.credentials_version == endpoint.credentials_version)
    return found->second.client;

  auto client = connector_.connect(endpoint);
  if (!client.ok())
    return client.error();
  spdlog::info("agent_client_built host={} address={} credentialsVersion={} reason={}",
               endpoint.host, endpoint.address, endpoint.credentials_version,
               found == entries_.end() ? "new" : "changed");
  entries_[endpoint.host] = Entry{endpoint.address, endpoint.credentials_version, client.value()};
  return std::move(client).value();
}

std::shared_ptr<AgentClient> AgentClientCache::find(const std::string& host,
                                                    const std::string& address,
                                                    const std::string& credentials_version) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto found = entries_.find(host);
  if (found == entries_.end() || found->second.address != address ||
      found->second.credentials_version != credentials_version)
    return nullptr;
  return found->second.client;
}

void AgentClientCache::forget(const std::string& host) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.erase(host);
}

}  // namespace hvo::controllers
