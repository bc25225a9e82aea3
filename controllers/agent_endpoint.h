// How to reach a HyperVHost's agent: its address and the credentials Secret its spec names,
// read from a SecretSource (the operator's SecretCache; the Secret's resourceVersion tells the
// client cache when to rebuild).
#pragma once

#include "api/v1alpha1/hyperv_host_types.h"
#include "controllers/agent_client_cache.h"
#include "controllers/agent_credentials.h"
#include "controllers/secret_source.h"

namespace hvo::controllers {

// The host's agent client from `agents`, built (credentials decoded) only when the host's
// address or its Secret's resourceVersion changed since. Fails naming the host and the Secret
// when the Secret is missing or incomplete.
Result<std::shared_ptr<AgentClient>> agent_client(SecretSource& secrets, AgentClientCache& agents,
                                                  const api::HyperVHost& host);

}  // namespace hvo::controllers
