// What wakes VMs for failover (failover_planner.h) without a timer: a host whose spec.fenced
// flips wakes the VMs placed on it (they may fail over now, or stop waiting), and a host that
// answers again wakes the VMs that left a stale copy on it (status.staleCopies), so the copy is
// removed at once. Used by event_routing.h's host handlers.
#pragma once

#include <string>

#include "api/k8s/json_codec.h"
#include "operator/store.h"

namespace hvo::controllers {

// VMs by the hosts their status.staleCopies[].host name.
inline constexpr const char* kVmsByStaleCopyHost = "status.staleCopies.host";
kube::IndexFunc index_by_stale_copy_host();

// Whether a change of a cached host (informer JSON, not decoded) flipped its spec.fenced.
bool host_fencing_changed(const k8s::Json& old_host, const k8s::Json& host);

}  // namespace hvo::controllers
