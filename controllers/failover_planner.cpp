#include "controllers/failover_planner.h"

#include "api/k8s/duration.h"

namespace hvo::controllers {
namespace {

std::string seconds_text(std::chrono::milliseconds duration) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(duration).count();
  return std::to_string(seconds) + "s";
}

}  // namespace

const char* to_string(FailoverAction action) {
  switch (action) {
    case FailoverAction::kNone:
      return "None";
    case FailoverAction::kWait:
      return "Wait";
    case FailoverAction::kFailOver:
      return "FailOver";
    case FailoverAction::kNever:
      return "Never";
  }
  return "Unknown";
}

FailoverPlan plan_failover(const FailoverInputs& in) {
  FailoverPlan plan;
  // Lost means NotReady and not answering: a host that answers its polls again turns Ready at
  // that poll, so its VMs are worked with as usual.
  if (!in.ready || in.ready->status != k8s::ConditionStatus::kFalse)
    return plan;
  if (in.reachable && in.reachable->status == k8s::ConditionStatus::kTrue)
    return plan;

  const k8s::Time since = in.ready->last_transition_time;
  const std::string lost = "Host " + in.host + " has been NotReady since " + since.to_string() +
                           (in.ready->reason.empty() ? "" : " (" + in.ready->reason + ")");
  plan.action = FailoverAction::kNever;
  if (!in.availability || !in.availability->restart_on_host_failure) {
    plan.reason = host_lost_reason::kNotOptedIn;
    plan.message = lost +
                   ": the VM waits for it to answer again (spec.availability."
                   "restartOnHostFailure is off, so it is not recreated elsewhere).";
    return plan;
  }
  if (!in.fenced) {
    plan.reason = host_lost_reason::kAwaitingFencing;
    plan.message = lost +
                   ": nothing is moved until the host is fenced (HyperVHost spec.fenced=true, "
                   "set once it is powered off or isolated); then the VM is recreated on "
                   "another host.";
    return plan;
  }
  const auto timeout = k8s::parse_duration(in.availability->host_failure_timeout);
  if (!timeout) {  // validation refuses it first; never act on a timeout that does not parse
    plan.reason = host_lost_reason::kAwaitingFencing;
    plan.message = lost + ": spec.availability.hostFailureTimeout \"" +
                   in.availability->host_failure_timeout + "\" is not a duration.";
    return plan;
  }
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(in.now.time_point() -
                                                                             since.time_point());
  if (elapsed < *timeout) {
    plan.action = FailoverAction::kWait;
    plan.reason = host_lost_reason::kFailoverPending;
    plan.remaining = *timeout - elapsed;
    plan.message = lost + " and is fenced: the VM is recreated on another host in " +
                   seconds_text(*plan.remaining) + " (hostFailureTimeout " +
                   in.availability->host_failure_timeout + ") unless the host answers first.";
    return plan;
  }
  plan.action = FailoverAction::kFailOver;
  plan.reason = host_lost_reason::kFailedOver;
  plan.message = lost + " and is fenced: the VM is recreated on another host from its image.";
  return plan;
}

}  // namespace hvo::controllers
