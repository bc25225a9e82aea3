// Tenant: creates and labels its namespaces, binds its admins to the tenant-admin ClusterRole in
// each (RoleBindings owned by the Tenant, so the garbage collector removes them with it; the
// namespaces and what they hold are never deleted by the operator), and reports which
// namespaces are ready and what the tenant's VMs use.
#pragma once

#include <string>

#include "api/v1alpha1/tenant_types.h"
#include "controllers/cluster_api.h"
#include "operator/clock.h"
#include "operator/controller.h"
#include "operator/store.h"

namespace hvo::controllers {

class TenantReconciler : public kube::Reconciler {
 public:
  TenantReconciler(const kube::Store& tenants, const kube::Store& vms, ClusterApi& api,
                   EventSink& events, std::string tenant_admin_cluster_role,
                   const kube::Clock& clock = kube::real_clock());

  Result<kube::ReconcileResult> reconcile(const kube::Request& request) override;

 private:
  // Makes one namespace and its admin binding right; an error names the namespace.
  Status ensure_namespace(const api::Tenant& tenant, const std::string& name);
  Status ensure_admin_binding(const api::Tenant& tenant, const std::string& ns);

  const kube::Store& tenants_;
  const kube::Store& vms_;
  ClusterApi& api_;
  EventSink& events_;
  const std::string cluster_role_;
  const kube::Clock& clock_;
};

}  // namespace hvo::controllers
