#include "controllers/quota_reconciler.h"

#include <spdlog/spdlog.h>

#include "api/v1alpha1/quota_types.h"
#include "controllers/api_conversions.h"
#include "controllers/indexed_caches.h"
#include "controllers/kinds.h"
#include "controllers/quota_status.h"

namespace hvo::controllers {

Result<kube::ReconcileResult> QuotaReconciler::reconcile(const kube::Request& request) {
  const kube::ObjectPtr object = caches_.quotas.get(request.key());
  if (!object) {
    own_writes_.forget(request.key());
    return kube::ReconcileResult::done();  // deleted: nothing to keep up to date
  }
  auto quota = api::Quota::from_json(*object);
  if (!quota.ok())
    return quota.error().with_context("quota " + request.key());
  // The cache has not caught up with our last status write: writing from it would be a 409.
  if (own_writes_.cache_behind(request.key(), quota->metadata.resource_version)) {
    spdlog::debug("quota_cache_behind quota={} resourceVersion={}", request.key(),
                  quota->metadata.resource_version);
    return kube::ReconcileResult::after(kCacheBehindRetry);
  }

  // Only the quota's tenant's VMs count, read from the ledger's sums: never a VM decoded.
  const IndexedCaches caches({caches_.vms, caches_.hosts, caches_.tenants, caches_.quotas});
  const Result<QuotaSnapshot> snapshot = quota_snapshot(*quota);
  ReservedTally held;
  if (auto tenant = caches.tenant_lister().get(quota->spec.tenant); tenant.ok() && snapshot.ok()) {
    const HostLabels hosts = snapshot->host_scope ? caches.host_labels() : HostLabels();
    held = caches_.reservations.tally(
        caches.namespaces_of_tenant(*tenant),
        [&](const std::string& host) { return quota_counts_host(*snapshot, host, hosts); });
  }
  const k8s::Time now(std::chrono::time_point_cast<k8s::TimePoint::duration>(clock_.wall_now()));
  if (!update_quota_status(*quota, snapshot, held, now))
    return kube::ReconcileResult::done();

  auto written = api_.update_status(kQuotas, quota->to_json());
  if (!written.ok())
    return written.error().with_context("quota " + request.key() + ": write status");
  own_writes_.wrote(request.key(), quota->metadata.resource_version);
  spdlog::info("quota_status_written quota={} tenant={} vms={}", request.key(), quota->spec.tenant,
               quota->status.used ? quota->status.used->vms.value_or(0) : 0);
  return kube::ReconcileResult::done();
}

}  // namespace hvo::controllers
