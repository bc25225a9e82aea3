#include "controllers/agent_endpoint.h"

namespace hvo::controllers {

Result<AgentEndpoint> agent_endpoint(SecretSource& secrets, const api::HyperVHost& host) {
  const auto& ref = host.spec.credentials_secret_ref;
  auto secret = secrets.secret(ref.namespace_, ref.name);
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
