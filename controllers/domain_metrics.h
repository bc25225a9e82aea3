// The operator's own metrics (docs/metrics.md, "Domain"), computed at scrape time from the
// informer caches so they always describe what the API holds, and a deleted object's series
// disappear with it:
//   hyperv_virtualmachines{namespace, phase}
//   hyperv_host_ready{host}, hyperv_host_vms{host}
//   hyperv_host_capacity / _allocatable / _allocated{host, resource}
//   hyperv_quota_used / hyperv_quota_hard{quota, tenant, resource}
// (hyperv_agent_request_* come from AgentClientMetrics.)
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "common/metrics/registry.h"
#include "operator/store.h"

namespace hvo::controllers {

// VMs by namespace and status.phase, kept by a VM cache observer: a scrape reads no VM (there
// may be tens of thousands, kept packed).
class VmPhaseCounts {
 public:
  using Counts = std::map<std::pair<std::string, std::string>, int>;  // (namespace, phase)

  // Register on the VM cache before its informer starts.
  kube::StoreObserver observer();
  Counts counts() const;

 private:
  mutable std::mutex mu_;
  Counts counts_;
};

struct DomainMetricSources {
  const VmPhaseCounts& vm_phases;
  const kube::Store& hosts;
  const kube::Store& quotas;
};

// Registers the families and a collector reading `sources`, which must outlive `registry`'s use.
void register_domain_metrics(metrics::Registry& registry, DomainMetricSources sources);

}  // namespace hvo::controllers
