// Whether a host's agent can be worked with now, as its VMs read it from the host's status.
// Ready=False is an outage (or a host not yet reporting); Reachable=False is the last poll
// failing, before the heartbeat timeout turns Ready False. Both keep a VM from calling the agent
// (the calls would only time out) and make its status say why, so a VM notices an outage at the
// host monitor's first failed poll instead of at its own next agent call.
#pragma once

#include <optional>
#include <string>

#include "api/k8s/json_codec.h"
#include "api/v1alpha1/hyperv_host_types.h"

namespace hvo::controllers {

// Why VMs on `host` cannot reach it now, naming the host; nullopt when its agent answers.
std::optional<std::string> host_unreachable_reason(const api::HyperVHost& host);

// Whether a change of a cached host (informer JSON, not decoded) changed what its VMs would read
// from host_unreachable_reason(): its Ready or Reachable status.
bool host_reachability_changed(const k8s::Json& old_host, const k8s::Json& host);

}  // namespace hvo::controllers
