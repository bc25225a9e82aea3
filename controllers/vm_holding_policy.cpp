#include "controllers/vm_holding_policy.h"

#include "controllers/conditions.h"

namespace hvo::controllers {
namespace {

std::string describe(kube::Duration wait) {
  using std::chrono::duration_cast;
  const auto seconds = duration_cast<std::chrono::seconds>(wait).count();
  if (seconds % 60 == 0)
    return std::to_string(seconds / 60) + (seconds == 60 ? " minute" : " minutes");
  return std::to_string(seconds) + (seconds == 1 ? " second" : " seconds");
}

}  // namespace

std::optional<std::string> no_tenant_refusal(const std::string& ns, bool claimed_by_tenant,
                                             bool allow_unclaimed) {
  if (claimed_by_tenant || allow_unclaimed)
    return std::nullopt;
  return "Namespace " + ns +
         " belongs to no Tenant: VMs run only in namespaces a Tenant lists in spec.namespaces "
         "(its quotas and policy apply there). Add the namespace to a Tenant.";
}

UnschedulableRelease decide_unschedulable_release(const std::vector<k8s::Condition>& conditions,
                                                  const k8s::Time& now, kube::Duration wait) {
  UnschedulableRelease decision;
  if (wait <= kube::Duration::zero())
    return decision;
  const k8s::Condition* scheduled = k8s::find_condition(conditions, condition_type::kScheduled);
  const bool waiting = scheduled && scheduled->status == k8s::ConditionStatus::kFalse &&
                       scheduled->reason == "Unschedulable";
  // Not marked yet: this pass marks it, and the wait starts now.
  const k8s::Time since = waiting ? scheduled->last_transition_time : now;
  const kube::Duration waited = now.time_point() - since.time_point();
  if (waited >= wait) {
    decision.release = true;
    return decision;
  }
  decision.remaining = wait - waited;
  return decision;
}

bool released_while_unschedulable(const std::vector<k8s::Condition>& conditions) {
  const k8s::Condition* reserved = k8s::find_condition(conditions, condition_type::kQuotaReserved);
  return reserved && reserved->status == k8s::ConditionStatus::kFalse &&
         reserved->reason == kReleasedUnschedulable;
}

std::string released_while_unschedulable_message(kube::Duration wait) {
  return "Given back: no host fitted the VM for " + describe(wait) +
         ". It is reserved again when a host fits.";
}

}  // namespace hvo::controllers
