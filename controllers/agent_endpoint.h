// How to reach a HyperVHost's agent: its address and the credentials Secret its spec names,
// read from a SecretSource (the operator's SecretCache; the Secret's resourceVersion tells the
// client cache when to rebuild).
#pragma once

#include "api/v1alpha1/hyperv_host_types.h"
#include "controllers/agent_credentials.h"
#include "controllers/secret_source.h"

namespace hvo::controllers {

// Fails naming the host and the Secret when the Secret is missing or incomplete.
Result<AgentEndpoint> agent_endpoint(SecretSource& secrets, const api::HyperVHost& host);

}  // namespace hvo::controllers
