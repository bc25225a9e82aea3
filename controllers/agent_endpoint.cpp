#include "controllers/agent_endpoint.h"

namespace hvo::controllers {
namespace {

Result<kube::ObjectPtr> credentials_secret(SecretSource& secrets, const api::HyperVHost& host) {
  const auto& ref = host.spec.credentials_secret_ref;
  auto secret = secrets.secret(ref.namespace_, ref.name);
  if (!secret.ok()) {
    return secret.error().with_context("host " + host.metadata.name + ": credentials secret " +
                                       ref.namespace_ + "/" + ref.name);
  }
  return secret;
}

std::string resource_version_of(const k8s::Json& secret) {
  return secret.value(k8s::Json::json_pointer("/metadata/resourceVersion"), std::string());
}

Result<AgentEndpoint> endpoint_from(const api::HyperVHost& host, const k8s::Json& secret) {
  auto credentials = credentials_from_secret(secret);
  if (!credentials.ok())
    return credentials.error().with_context("host " + host.metadata.name);

  AgentEndpoint endpoint;
  endpoint.host = host.metadata.name;
  endpoint.address = host.spec.address;
  endpoint.credentials = std::move(credentials).value();
  endpoint.credentials_version = resource_version_of(secret);
  return endpoint;
}

}  // namespace

Result<std::shared_ptr<AgentClient>> agent_client(SecretSource& secrets, AgentClientCache& agents,
                                                  const api::HyperVHost& host) {
  auto secret = credentials_secret(secrets, host);
  if (!secret.ok())
    return secret.error();
  if (auto client =
          agents.find(host.metadata.name, host.spec.address, resource_version_of(**secret)))
    return client;
  auto endpoint = endpoint_from(host, **secret);
  if (!endpoint.ok())
    return endpoint.error();
  return agents.get(*endpoint);
}

}  // namespace hvo::controllers
