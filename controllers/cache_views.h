// Typed views over the informer caches that several reconcilers share: every Tenant, the quota
// charges recorded on every VM, host labels for host-scoped quotas. Objects the API types cannot
// decode are skipped with a log line (the schema normally prevents them).
#pragma once

#include <string>
#include <vector>

#include "api/v1alpha1/hyperv_host_types.h"
#include "api/v1alpha1/tenant_types.h"
#include "api/v1alpha1/virtual_machine_types.h"
#include "controllers/quota_ledger.h"
#include "operator/store.h"

namespace hvo::controllers {

std::vector<api::Tenant> cached_tenants(const kube::Store& tenants);
std::vector<api::HyperVHost> cached_hosts(const kube::Store& hosts);
std::vector<api::VirtualMachine> cached_vms(const kube::Store& vms);

// The reservation of every VM that has one, charged to the tenant owning its namespace (VMs in
// namespaces of no tenant are charged to nobody). `except` (a "ns/name" key) is left out.
std::vector<VmCharge> cached_charges(const std::vector<api::VirtualMachine>& vms,
                                     const std::vector<api::Tenant>& tenants,
                                     const std::string& except = "");

HostLabels host_labels(const std::vector<api::HyperVHost>& hosts);

}  // namespace hvo::controllers
