// Which reconcilers a change wakes up. Informer handlers only enqueue keys; these decide which:
//   VirtualMachine changed  → the VM; the Quotas of its tenant and the Tenant (their status sums
//                             the VMs)
//   Quota added or its spec changed → the Quota; the tenant's VMs waiting for quota (not yet
//                             reserved, or grown beyond it): a raised quota admits them at once
//                             instead of on a poll
//   Tenant added or its spec changed → the Tenant; the VMs in its namespaces, before and after
//                             the change (policy, selector, quota)
//   Namespace or RoleBinding carrying the tenant label added, changed or deleted → the Tenant
//                             the label names (before and after the change)
//   HyperVHost added or its spec changed → the host (status-only writes are its own and wake
//                             nothing, or every poll would trigger another); its Ready or
//                             Reachable flipped → its VMs (deleting ones included) and the
//                             VMs with a stale copy on it; spec.fenced flipped → its VMs;
//                             deleted → its VMs and those with a stale copy on it
#pragma once

#include <functional>
#include <string>

#include "api/k8s/json_codec.h"
#include "operator/informer.h"
#include "operator/store.h"

namespace hvo::controllers {

using Enqueue = std::function<void(const std::string& key)>;

struct Queues {
  Enqueue vm;
  Enqueue host;
  Enqueue tenant;
  Enqueue quota;
};

// Indexed by add_cache_indices() (indexed_caches.h): handlers run on informer threads and
// look up only the keys they enqueue, never decoding a list.
struct RoutingCaches {
  const kube::Store& vms;
  const kube::Store& hosts;
  const kube::Store& tenants;
  const kube::Store& quotas;
};

kube::EventHandlers vm_events(RoutingCaches caches, Queues queues);
kube::EventHandlers quota_events(RoutingCaches caches, Queues queues);
kube::EventHandlers tenant_events(RoutingCaches caches, Queues queues);
kube::EventHandlers host_events(RoutingCaches caches, Queues queues);
// For the label-selected Namespace and RoleBinding informers (tenant_selector()).
kube::EventHandlers tenant_labelled_events(Enqueue tenant);

// Enqueues every HyperVHost whose spec.credentialsSecretRef names `secret` (it was added,
// changed or deleted: a rotated token or certificate is used at once, a removed one reported).
void enqueue_hosts_using_secret(const kube::Store& hosts, const k8s::Json& secret,
                                const Enqueue& enqueue);

// Enqueues every VM whose status.staleCopies name `host` (it answers again, or went away).
void enqueue_vms_with_stale_copy_on(const kube::Store& vms, const std::string& host,
                                    const Enqueue& enqueue);

// Enqueues every VM whose status.host is `host` (its reachability changed).
void enqueue_vms_on_host(const kube::Store& vms, const std::string& host, const Enqueue& enqueue);

}  // namespace hvo::controllers
