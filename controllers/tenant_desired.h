// What a Tenant asks of the cluster, as manifests the Tenant reconciler applies: each namespace
// of spec.namespaces labelled hyperv.operator.io/tenant=<tenant>, and in each a RoleBinding of
// spec.admins to the tenant-admin ClusterRole, owned by the Tenant (so deleting the Tenant
// removes the bindings, never the namespaces and what they hold).
#pragma once

#include <string>
#include <vector>

#include "api/k8s/json_codec.h"
#include "api/v1alpha1/tenant_types.h"
#include "controllers/quota_ledger.h"

namespace hvo::controllers {

inline constexpr const char* kTenantLabel = "hyperv.operator.io/tenant";
inline constexpr const char* kDefaultTenantAdminClusterRole = "hyperv-operator-tenant-admin";
inline constexpr const char* kTenantAdminsRoleBindingName = "hyperv-tenant-admins";

// A v1 Namespace carrying the tenant label (for create, or as a merge patch of the labels).
k8s::Json desired_namespace(const api::Tenant& tenant, const std::string& name);

// Whether an existing Namespace already carries the tenant's label.
bool namespace_labelled_for(const k8s::Json& ns, const api::Tenant& tenant);

// The tenant in whose spec.namespaces `ns` appears (the first by name), if any: VMs of that
// namespace belong to it.
const api::Tenant* tenant_of_namespace(const std::string& ns,
                                       const std::vector<api::Tenant>& tenants);

// An rbac.authorization.k8s.io/v1 RoleBinding in `ns` binding the tenant's admins (users and
// groups, apiGroup rbac.authorization.k8s.io) to `cluster_role`, with the Tenant as controlling
// owner.
k8s::Json desired_admin_role_binding(const api::Tenant& tenant, const std::string& ns,
                                     const std::string& cluster_role);

// Whether an existing RoleBinding grants what desired_admin_role_binding() asks (roleRef and
// subjects); roleRef is immutable, so a binding to another role must be deleted and recreated.
bool role_binding_matches(const k8s::Json& existing, const k8s::Json& desired);

// The Tenant's status: namespaces ready (`ready` lists those labelled and bound), `usage` (what
// its VMs hold, ReservationLedger::tally), and Ready when every namespace is. Returns whether it
// changed.
bool update_tenant_status(api::Tenant& tenant, const std::vector<std::string>& ready,
                          const QuotaUsage& usage, const k8s::Time& now);

}  // namespace hvo::controllers
