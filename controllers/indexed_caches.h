// The controllers' reads of the informer caches, through indices registered at wiring time
// (controller-runtime's FieldIndexer + MatchingFields), so that no pass decodes a whole list:
//   VMs by host          status.host                           kVmsByHost
//   VMs by stale copy status.staleCopies[].host                kVmsByStaleCopyHost
//   VMs by namespace     metadata.namespace                    kube::kNamespaceIndex (built in)
//   Tenants by namespace spec.namespaces[]                     kTenantsByNamespace
//   Quotas by tenant     spec.tenant                           kQuotasByTenant
// A VM belongs to the Tenant that lists its namespace (the first by name when several do), so
// "VMs by tenant" is the tenant's namespaces, each kept only when the Tenants-by-namespace index
// names this tenant first, then the VMs of those namespaces.
//
// Only HyperVHosts are read whole (placement weighs every host, and hosts are few); what the
// VMs on a host take comes from the reservation ledger's sums (reservation_ledger.h).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/v1alpha1/hyperv_host_types.h"
#include "api/v1alpha1/quota_types.h"
#include "api/v1alpha1/tenant_types.h"
#include "api/v1alpha1/virtual_machine_types.h"
#include "controllers/failover_routing.h"
#include "controllers/quota_ledger.h"
#include "controllers/resources.h"
#include "operator/store.h"
#include "operator/typed_informer.h"
#include "operator/typed_kinds.h"

namespace hvo::controllers {

inline constexpr const char* kVmsByHost = "status.host";
inline constexpr const char* kTenantsByNamespace = "spec.namespaces";
inline constexpr const char* kQuotasByTenant = "spec.tenant";
inline constexpr const char* kVmsByAntiAffinityGroup = "spec.placement.antiAffinityGroup";

// Registers the indices above on the caches (a kube::Store, a SharedInformer or a
// TypedInformer); before the informers start, so the first LIST is indexed as it arrives.
template <typename VmCache, typename TenantCache, typename QuotaCache>
void add_cache_indices(VmCache& vms, TenantCache& tenants, QuotaCache& quotas) {
  vms.add_index(kVmsByHost, kube::index_by_field("/status/host"));
  tenants.add_index(kTenantsByNamespace, kube::index_by_string_list("/spec/namespaces"));
  quotas.add_index(kQuotasByTenant, kube::index_by_field("/spec/tenant"));
  vms.add_index(kVmsByAntiAffinityGroup, kube::index_by_field("/spec/placement/antiAffinityGroup"));
  vms.add_index(kVmsByStaleCopyHost, index_by_stale_copy_host());
}

// The four caches, indexed by add_cache_indices().
struct ClusterCaches {
  const kube::Store& vms;
  const kube::Store& hosts;
  const kube::Store& tenants;
  const kube::Store& quotas;
};

// The namespaces `tenant` lists and owns (a namespace listed by several belongs to the first by
// name, as the Tenants-by-namespace index gives them).
std::vector<std::string> tenant_namespaces(const kube::Store& tenants, const api::Tenant& tenant);

// Typed, indexed reads of the caches. Cheap to copy (references to the stores).
class IndexedCaches {
 public:
  explicit IndexedCaches(ClusterCaches caches);

  // --- Keys only: nothing is decoded (informer handlers enqueue with these).
  // The tenant owning `ns` by name, "" when none.
  std::string tenant_name_of_namespace(const std::string& ns) const;
  // VMs in the namespaces `tenant` owns.
  std::vector<std::string> vm_keys_of_tenant(const std::string& tenant) const;
  // VMs in `namespaces` that `tenant` owns (a tenant's namespaces before a spec change).
  std::vector<std::string> vm_keys_in(const std::vector<std::string>& namespaces,
                                      const std::string& tenant) const;
  std::vector<std::string> vm_keys_on_host(const std::string& host) const;
  std::vector<std::string> quota_keys_of_tenant(const std::string& tenant) const;

  // The namespaces `tenant` lists and owns (a namespace listed by several belongs to the first).
  std::vector<std::string> namespaces_of_tenant(const api::Tenant& tenant) const;

  // --- Decoded: objects that do not decode are skipped with a log line.
  std::optional<api::Tenant> tenant_of_namespace(const std::string& ns) const;
  std::vector<api::VirtualMachine> vms_on_host(const std::string& host) const;
  std::vector<api::Quota> quotas_of_tenant(const std::string& tenant) const;
  // Every host: placement weighs them all.
  std::vector<api::HyperVHost> hosts() const;

  // Labels of every host (host-scoped quotas), from the cached JSON.
  HostLabels host_labels() const;

  const kube::TypedLister<api::VirtualMachine>& vm_lister() const { return vms_; }
  const kube::TypedLister<api::HyperVHost>& host_lister() const { return hosts_; }
  const kube::TypedLister<api::Tenant>& tenant_lister() const { return tenants_; }
  const kube::TypedLister<api::Quota>& quota_lister() const { return quotas_; }

 private:
  ClusterCaches caches_;
  kube::TypedLister<api::VirtualMachine> vms_;
  kube::TypedLister<api::HyperVHost> hosts_;
  kube::TypedLister<api::Tenant> tenants_;
  kube::TypedLister<api::Quota> quotas_;
};

}  // namespace hvo::controllers
