#include "controllers/tenant_reconciler.h"

#include <spdlog/spdlog.h>

#include "controllers/indexed_caches.h"
#include "controllers/kinds.h"
#include "controllers/tenant_desired.h"

namespace hvo::controllers {

namespace {

std::string tenant_label_of(const k8s::Json& object) {
  // The label key holds a '/', so it is looked up in the labels object, not by JSON pointer.
  const auto labels =
      object.value(k8s::Json::json_pointer("/metadata/labels"), k8s::Json::object());
  return labels.value(kTenantLabel, std::string());
}

}  // namespace

std::string tenant_selector() {
  return kTenantLabel;
}

TenantReconciler::TenantReconciler(TenantReconcilerCaches caches, ClusterApi& api,
                                   EventSink& events, std::string tenant_admin_cluster_role,
                                   const kube::Clock& clock)
    : caches_(caches),
      api_(api),
      events_(events),
      cluster_role_(std::move(tenant_admin_cluster_role)),
      clock_(clock) {}

Result<kube::ReconcileResult> TenantReconciler::reconcile(const kube::Request& request) {
  const kube::ObjectPtr object = caches_.tenants.get(request.key());
  if (!object) {
    own_writes_.forget(request.key());
    return kube::ReconcileResult::done();  // its RoleBindings go with it (owner references)
  }
  auto tenant = api::Tenant::from_json(*object);
  if (!tenant.ok())
    return tenant.error().with_context("tenant " + request.name);
  // The cache has not caught up with our last status write: writing from it would be a 409.
  if (own_writes_.cache_behind(request.key(), tenant->metadata.resource_version)) {
    spdlog::debug("tenant_cache_behind tenant={} resourceVersion={}", request.name,
                  tenant->metadata.resource_version);
    return kube::ReconcileResult::after(kCacheBehindRetry);
  }

  std::vector<std::string> ready;
  std::string first_failure;
  for (const auto& ns : tenant->spec.namespaces) {
    Status status = ensure_namespace(*tenant, ns);
    if (status.ok())
      status = ensure_admin_binding(*tenant, ns);
    if (status.ok()) {
      ready.push_back(ns);
      continue;
    }
    spdlog::warn("tenant_namespace_failed tenant={} namespace={} error={}", request.name, ns,
                 status.error().message());
    if (first_failure.empty())
      first_failure = status.error().message();
  }

  // What the tenant's VMs hold, from the ledger's sums: never a VM decoded.
  const QuotaUsage usage = caches_.reservations
                               .tally(tenant_namespaces(caches_.tenants, *tenant),
                                      [](const std::string&) { return true; })
                               .used;
  if (update_tenant_status(*tenant, ready, usage, k8s::Time(clock_.wall_now()))) {
    auto written = api_.update_status(kTenants, tenant->to_json());
    if (!written.ok())
      return written.error().with_context("tenant " + request.name + ": write status");
    own_writes_.wrote(request.key(), tenant->metadata.resource_version);
  }
  if (!first_failure.empty()) {
    events_.record(*object, "Warning", "NamespaceNotReady", "Reconcile", first_failure);
    return Error(ErrorCode::kUnavailable, first_failure);  // retried with backoff
  }
  return kube::ReconcileResult::done();
}

Status TenantReconciler::ensure_namespace(const api::Tenant& tenant, const std::string& name) {
  const std::string context = "tenant " + tenant.metadata.name + ": namespace " + name;
  if (const kube::ObjectPtr cached = caches_.namespaces.get(name)) {
    if (namespace_labelled_for(*cached, tenant))
      return OkStatus();
    return Error(ErrorCode::kConflict, context + " already belongs to tenant " +
                                           tenant_label_of(*cached) +
                                           ": a namespace has one tenant");
  }
  auto created = api_.create(kNamespaces, "", desired_namespace(tenant, name));
  if (created.ok()) {
    spdlog::info("tenant_namespace_created tenant={} namespace={}", tenant.metadata.name, name);
    return OkStatus();
  }
  if (created.error().code() != ErrorCode::kAlreadyExists)
    return created.error().with_context(context + ": create");
  return label_existing_namespace(tenant, name, context);
}

Status TenantReconciler::label_existing_namespace(const api::Tenant& tenant,
                                                  const std::string& name,
                                                  const std::string& context) {
  auto existing = api_.get(kNamespaces, "", name);
  if (!existing.ok())
    return existing.error().with_context(context);
  if (namespace_labelled_for(*existing, tenant))
    return OkStatus();  // ours already; the cache had not seen it yet
  const std::string owner = tenant_label_of(*existing);
  if (!owner.empty()) {
    return Error(ErrorCode::kConflict,
                 context + " already belongs to tenant " + owner + ": a namespace has one tenant");
  }
  const k8s::Json patch = {{"metadata", {{"labels", {{kTenantLabel, tenant.metadata.name}}}}}};
  auto patched = api_.merge_patch(kNamespaces, "", name, patch);
  if (!patched.ok())
    return patched.error().with_context(context + ": label");
  spdlog::info("tenant_namespace_labelled tenant={} namespace={}", tenant.metadata.name, name);
  return OkStatus();
}

Status TenantReconciler::ensure_admin_binding(const api::Tenant& tenant, const std::string& ns) {
  const std::string context =
      "tenant " + tenant.metadata.name + ": rolebinding " + ns + "/" + kTenantAdminsRoleBindingName;
  const k8s::Json desired = desired_admin_role_binding(tenant, ns, cluster_role_);
  // Ours and right: it also carries the label, or the cache would never see it again.
  const auto right = [&](const k8s::Json& binding) {
    return role_binding_matches(binding, desired) &&
           tenant_label_of(binding) == tenant.metadata.name;
  };
  const kube::ObjectPtr cached = caches_.role_bindings.get(ns + "/" + kTenantAdminsRoleBindingName);
  if (cached && right(*cached))
    return OkStatus();
  if (!cached) {
    auto created = api_.create(kRoleBindings, ns, desired);
    if (created.ok()) {
      spdlog::info("tenant_admins_bound tenant={} namespace={} clusterRole={}",
                   tenant.metadata.name, ns, cluster_role_);
      return OkStatus();
    }
    if (created.error().code() != ErrorCode::kAlreadyExists)
      return created.error().with_context(context + ": create");
  }
  // Cached but different, or present but not cached (unlabelled, or the cache is behind our own
  // last write): the live object decides, so a lagging cache does not replace a right binding.
  auto existing = api_.get(kRoleBindings, ns, kTenantAdminsRoleBindingName);
  if (existing.ok() && right(*existing))
    return OkStatus();
  if (existing.ok()) {
    // roleRef is immutable: replace the binding rather than patch it.
    if (auto removed = api_.remove(kRoleBindings, ns, kTenantAdminsRoleBindingName); !removed.ok())
      return removed.error().with_context(context + ": replace");
  } else if (existing.error().code() != ErrorCode::kNotFound) {
    return existing.error().with_context(context);
  }
  auto created = api_.create(kRoleBindings, ns, desired);
  if (!created.ok())
    return created.error().with_context(context + ": create");
  spdlog::info("tenant_admins_bound tenant={} namespace={} clusterRole={}", tenant.metadata.name,
               ns, cluster_role_);
  return OkStatus();
}

}  // namespace hvo::controllers
