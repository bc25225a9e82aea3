// Tenant: creates and labels its namespaces, binds its admins to the tenant-admin ClusterRole in
// each (RoleBindings owned by the Tenant, so the garbage collector removes them with it; the
// namespaces and what they hold are never deleted by the operator), and reports which
// namespaces are ready and what the tenant's VMs use.
//
// Namespaces and RoleBindings are read from informer caches that hold only the operator's own
// objects (those carrying the tenant label, tenant_selector()), so a steady-state pass makes no
// API call at all. A namespace that exists without the label is not cached: creating it answers
// AlreadyExists, and that rare path reads it with a GET and patches the label on.
#pragma once

#include <string>

#include "api/v1alpha1/tenant_types.h"
#include "controllers/cluster_api.h"
#include "controllers/own_status_writes.h"
#include "controllers/reservation_ledger.h"
#include "operator/clock.h"
#include "operator/controller.h"
#include "operator/store.h"

namespace hvo::controllers {

struct TenantReconcilerCaches {
  const kube::Store& tenants;
  // Label-selected with tenant_selector(): the tenants' namespaces and admin RoleBindings.
  const kube::Store& namespaces;
  const kube::Store& role_bindings;
  // What the VMs hold, summed per namespace and host: the usage costs O(namespaces × hosts).
  const ReservationLedger& reservations;
};

// The label selector of the Namespace and RoleBinding informers: objects carrying the tenant
// label, whatever its value.
std::string tenant_selector();

class TenantReconciler : public kube::Reconciler {
 public:
  TenantReconciler(TenantReconcilerCaches caches, ClusterApi& api, EventSink& events,
                   std::string tenant_admin_cluster_role,
                   const kube::Clock& clock = kube::real_clock());

  Result<kube::ReconcileResult> reconcile(const kube::Request& request) override;

 private:
  // Makes one namespace and its admin binding right; an error names the namespace.
  Status ensure_namespace(const api::Tenant& tenant, const std::string& name);
  // The namespace exists but the cache lacks it (unlabelled, or the cache is behind).
  Status label_existing_namespace(const api::Tenant& tenant, const std::string& name,
                                  const std::string& context);
  Status ensure_admin_binding(const api::Tenant& tenant, const std::string& ns);

  const TenantReconcilerCaches caches_;
  ClusterApi& api_;
  EventSink& events_;
  const std::string cluster_role_;
  const kube::Clock& clock_;
  // As in QuotaReconciler: a pass from a version this process already wrote over is retried.
  static constexpr kube::Duration kCacheBehindRetry = std::chrono::milliseconds(500);
  OwnStatusWrites own_writes_;
};

}  // namespace hvo::controllers
