// How to reach a HyperVHost's agent: its address and the credentials Secret its spec names,
// read through the API (the Secret's resourceVersion tells the client cache when to rebuild).
#pragma once

#include "api/v1alpha1/hyperv_host_types.h"
#include "controllers/agent_credentials.h"
#include "controllers/cluster_api.h"

namespace hvo::controllers {

// Fails naming the host and the Secret when the Secret is missing or incomplete.
Result<AgentEndpoint> agent_endpoint(ClusterApi& api, const api::HyperVHost& host);

}  // namespace hvo::controllers
