// A Quota's status, recomputed from the VMs' recorded reservations every time (never trusted
// from the previous status, so a restart cannot double-count): used is what the tenant's VMs
// hold under this quota's scope, reserved the part not yet created on a host.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/v1alpha1/quota_types.h"
#include "controllers/quota_ledger.h"
#include "controllers/reservation_ledger.h"

namespace hvo::controllers {

// `snapshot` is quota_snapshot(quota), or the error it gave (an unusable hostSelector: Ready
// False, reason InvalidSpec; `held` is then not read). `held` is what the tenant's VMs hold on
// the hosts the quota counts (ReservationLedger::tally). Returns whether the status changed.
bool update_quota_status(api::Quota& quota, const Result<QuotaSnapshot>& snapshot,
                         const ReservedTally& held, const k8s::Time& now);

// "vcpus 6/8, memory 12Gi/16Gi, storage 40Gi (no limit), vms 3/10"
std::string describe_usage(const QuotaUsage& used, const QuotaLimits& hard);

api::QuotaAmounts to_quota_amounts(const QuotaUsage& usage);

}  // namespace hvo::controllers
