// Two decisions about what a VirtualMachine may hold, as pure functions over plain values:
//
// - Tenancy: a VM runs only in a namespace a Tenant claims (its quotas and policy apply there).
//   A VM in any other namespace is refused (Ready=False, reason NoTenant) before it reserves
//   quota or reaches an agent, unless the operator runs with --allow-unclaimed-namespaces.
// - Unschedulable reservations: a VM that holds a quota reservation but fits no host gives the
//   reservation back once it has been Unschedulable for longer than a wait
//   (--unschedulable-release-after), so one wrong image name does not eat a tenant's quota.
//   It keeps looking for a host and reserves again only when one fits.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/k8s/condition.h"
#include "api/k8s/time.h"
#include "operator/clock.h"

namespace hvo::controllers {

// QuotaReserved=False with this reason: given back while no host fits.
inline constexpr const char* kReleasedUnschedulable = "ReleasedWhileUnschedulable";

// The refusal message for a VM in `ns`, or nullopt when the VM may go on.
std::optional<std::string> no_tenant_refusal(const std::string& ns, bool claimed_by_tenant,
                                             bool allow_unclaimed);

struct UnschedulableRelease {
  bool release = false;
  // Not released yet but Unschedulable: how long until it is (the next visit's delay).
  std::optional<kube::Duration> remaining;
};

// Whether a VM with `conditions` as stored, that fits no host in this pass, gives its
// reservation back now. Unschedulable since the Scheduled condition's lastTransitionTime when it
// reads False/Unschedulable; a VM not yet marked Unschedulable starts waiting now. A zero
// `wait` turns the release off.
UnschedulableRelease decide_unschedulable_release(const std::vector<k8s::Condition>& conditions,
                                                  const k8s::Time& now, kube::Duration wait);

// Whether the stored status says the reservation was given back while no host fit (so the next
// pass looks for a host before it reserves again).
bool released_while_unschedulable(const std::vector<k8s::Condition>& conditions);

// The QuotaReserved message of such a VM.
std::string released_while_unschedulable_message(kube::Duration wait);

}  // namespace hvo::controllers
