// Quota: status.used and status.reserved recomputed from the VMs' recorded reservations, and
// the Ready condition. Raising a quota admits waiting VMs through the VirtualMachine
// controller: the operator's wiring enqueues a tenant's VMs when its Quota's spec changes.
#pragma once

#include "controllers/cluster_api.h"
#include "controllers/own_status_writes.h"
#include "controllers/reservation_ledger.h"
#include "operator/clock.h"
#include "operator/controller.h"
#include "operator/store.h"

namespace hvo::controllers {

struct QuotaReconcilerCaches {
  const kube::Store& quotas;
  const kube::Store& vms;
  const kube::Store& tenants;
  const kube::Store& hosts;
  // What the VMs hold, summed per namespace and host: a status costs O(namespaces × hosts).
  const ReservationLedger& reservations;
};

class QuotaReconciler : public kube::Reconciler {
 public:
  QuotaReconciler(QuotaReconcilerCaches caches, ClusterApi& api,
                  const kube::Clock& clock = kube::real_clock())
      : caches_(caches), api_(api), clock_(clock) {}

  Result<kube::ReconcileResult> reconcile(const kube::Request& request) override;

 private:
  QuotaReconcilerCaches caches_;
  ClusterApi& api_;
  const kube::Clock& clock_;
  // A pass that starts from a version this process already wrote over is retried after this
  // (its own status write's watch event wakes nothing: status-only changes are ignored).
  static constexpr kube::Duration kCacheBehindRetry = std::chrono::milliseconds(500);
  OwnStatusWrites own_writes_;
};

}  // namespace hvo::controllers
