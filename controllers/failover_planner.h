// Fenced failover of one VirtualMachine whose host is lost, as a pure function of the host's
// conditions, its spec.fenced, the VM's spec.availability and the time (docs/operations.md,
// "Losing a host"). A VM is recreated elsewhere only when all of these hold:
//   - the host is NotReady (HeartbeatTimeout, ...) and its last poll did not answer;
//   - the VM opted in (spec.availability.restartOnHostFailure);
//   - the host is fenced (HyperVHost spec.fenced: an admin or a fencing tool asserts it is
//     powered off or isolated, so the VM cannot be running there);
//   - the host has been NotReady for the VM's hostFailureTimeout.
// Without the fence nothing is moved: a host that only stopped answering may still run the VM,
// and a second copy elsewhere would write to the same networks (split brain). Every answer but
// "host fine" comes with the VM's HostLost condition (reason and message) saying why.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "api/k8s/condition.h"
#include "api/k8s/time.h"
#include "api/v1alpha1/virtual_machine_types.h"

namespace hvo::controllers {

namespace condition_type {
inline constexpr const char* kHostLost = "HostLost";
}  // namespace condition_type

// HostLost reasons.
namespace host_lost_reason {
inline constexpr const char* kNotOptedIn = "NotOptedIn";            // waits for the host
inline constexpr const char* kAwaitingFencing = "AwaitingFencing";  // opted in, host not fenced
inline constexpr const char* kFailoverPending = "FailoverPending";  // fenced, timeout running
inline constexpr const char* kFailedOver = "FailedOver";            // recreated elsewhere
inline constexpr const char* kStaleCopiesRemoved = "StaleCopiesRemoved";  // HostLost=False
inline constexpr const char* kHostRecovered = "HostRecovered";            // HostLost=False
}  // namespace host_lost_reason

struct FailoverInputs {
  std::string host;                                   // the VM's status.host
  std::optional<k8s::Condition> ready;                // the host's Ready condition
  std::optional<k8s::Condition> reachable;            // the host's Reachable condition
  bool fenced = false;                                // the host's spec.fenced
  std::optional<api::AvailabilitySpec> availability;  // the VM's spec.availability
  k8s::Time now;
};

enum class FailoverAction {
  kNone,      // the host is not lost: nothing to say
  kWait,      // fail over after `remaining`, unless the host answers first
  kFailOver,  // recreate the VM on another host now
  kNever,     // nothing is moved while this holds (not opted in, or not fenced)
};

struct FailoverPlan {
  FailoverAction action = FailoverAction::kNone;
  std::string reason;   // HostLost reason (host_lost_reason), empty for kNone
  std::string message;  // names the host and what would move the VM
  std::optional<std::chrono::milliseconds> remaining;  // kWait: until the failover
};

FailoverPlan plan_failover(const FailoverInputs& inputs);

const char* to_string(FailoverAction action);

}  // namespace hvo::controllers
