#include "controllers/agent_endpoint.h"

#include "controllers/kinds.h"

namespace hvo::controllers {

Result<AgentEndpoint> agent_endpoint(ClusterApi& api, const api::HyperVHost& host) {
  const auto& ref = host.spec.credentials_secret_ref;
  auto secret = api.get(kSecrets, ref.namespace_, ref.name);
  if (!secret.ok()) {
    return secret.error().with_context("host " + host.metadata.name + ": credentials secret " +
                                       ref.namespace_ + "/" + ref.name);
  }
  auto credentials = credentials_from_secret(*secret);
  if (!credentials.ok())
    return credentials.error().with_context("host " + host.metadata.name);

  AgentEndpoint endpoint;
  endpoint.host = host.metadata.name;
  endpoint.address = host.spec.address;
  endpoint.credentials = std::move(credentials).value();
  endpoint.credentials_version =
      secret->value(k8s::Json::json_pointer("/metadata/resourceVersion"), std::string());
  return endpoint;
}

}  // namespace hvo::controllers
