// Condition building blocks shared by every kind's status computation: the names of the
// condition types and reasons, a builder, and the step that merges computed conditions into a
// status (keeping lastTransitionTime unless a status flipped, as k8s::set_condition does).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "api/k8s/condition.h"
#include "api/k8s/json_codec.h"

namespace hvo::controllers {

namespace condition_type {
inline constexpr const char* kReady = "Ready";
inline constexpr const char* kScheduled = "Scheduled";
inline constexpr const char* kQuotaReserved = "QuotaReserved";
inline constexpr const char* kProvisioned = "Provisioned";
inline constexpr const char* kRestartRequired = "RestartRequired";
inline constexpr const char* kHostReachable = "HostReachable";
inline constexpr const char* kReachable = "Reachable";
// kstatus (Flux): Reconciling=True while the operator works towards the spec; Stalled=True when
// it cannot go on without a person (docs/gitops.md).
inline constexpr const char* kReconciling = "Reconciling";
inline constexpr const char* kStalled = "Stalled";
}  // namespace condition_type

k8s::Condition make_condition(std::string type, bool status, std::string reason,
                              std::string message, std::int64_t generation);
k8s::Condition make_unknown_condition(std::string type, std::string reason, std::string message,
                                      std::int64_t generation);

// Sets every condition of `computed` on `conditions` (lastTransitionTime = now for new ones and
// for those whose status flipped). Conditions of other types are kept. Returns whether anything
// changed, so an unchanged status is not written.
bool apply_conditions(std::vector<k8s::Condition>& conditions,
                      const std::vector<k8s::Condition>& computed, const k8s::Time& now);

// The condition of `type` in an object's JSON (status.conditions), for readers that look at a
// cached object without decoding it (informer handlers, cache observers); null when absent.
const k8s::Json* cached_condition(const k8s::Json& object, const char* type);
// Its status ("True", "False", "Unknown"), "" when absent.
std::string cached_condition_status(const k8s::Json& object, const char* type);

}  // namespace hvo::controllers
