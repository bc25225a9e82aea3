#include "controllers/failover_status.h"

#include <algorithm>

#include "controllers/conditions.h"
#include "controllers/failover_planner.h"

namespace hvo::controllers {

std::optional<k8s::Condition> next_host_lost(const std::vector<k8s::Condition>& current,
                                             const std::optional<k8s::Condition>& lost,
                                             const std::vector<api::StaleCopy>& stale_copies,
                                             std::int64_t generation) {
  if (lost) {
    k8s::Condition condition = *lost;
    condition.observed_generation = generation;
    return condition;
  }
  const k8s::Condition* before = k8s::find_condition(current, condition_type::kHostLost);
  if (!before || before->status != k8s::ConditionStatus::kTrue)
    return std::nullopt;
  if (!stale_copies.empty()) {
    // A failed-over VM keeps saying so until the old host's copy is gone.
    if (before->reason == host_lost_reason::kFailedOver)
      return std::nullopt;
    std::string hosts;
    for (const auto& copy : stale_copies)
      hosts += (hosts.empty() ? "" : ", ") + copy.host;
    return make_condition(condition_type::kHostLost, true, host_lost_reason::kFailedOver,
                          "The VM was recreated on another host; the copies left on " + hosts +
                              " are removed when those hosts answer again.",
                          generation);
  }
  if (before->reason == host_lost_reason::kFailedOver) {
    return make_condition(condition_type::kHostLost, false, host_lost_reason::kStaleCopiesRemoved,
                          "The VM was failed over; the copy left on the lost host was removed.",
                          generation);
  }
  return make_condition(condition_type::kHostLost, false, host_lost_reason::kHostRecovered,
                        "The VM's host answers again.", generation);
}

void record_stale_copy(std::vector<api::StaleCopy>& copies, api::StaleCopy copy) {
  const auto same = std::find_if(copies.begin(), copies.end(),
                                 [&](const api::StaleCopy& c) { return c.host == copy.host; });
  if (same != copies.end())
    *same = std::move(copy);
  else
    copies.push_back(std::move(copy));
}

std::string failover_message(const std::string& from, const std::string& to,
                             const std::string& lost_message) {
  return "Failed over from host " + from + " to host " + to + ": " + lost_message +
         " The copy left on " + from + " is removed, never started, when it answers again.";
}

}  // namespace hvo::controllers
