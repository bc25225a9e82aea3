// A HyperVHost's next status as a pure function of the last poll of its agent. The host monitor
// polls every host on a jittered interval and writes the result only when next_host_status()
// says it changed, so 1,000 idle hosts cost no API writes:
//  - lastHeartbeatTime advances at most once per heartbeat write_interval (default 5 minutes);
//    the first poll of a host after the operator starts leaves alone a heartbeat younger than
//    restart_refresh_age(), so a restarted operator's resync writes nothing for idle hosts;
//  - a failed poll sets Reachable=False at once, but Ready stays True until no poll has succeeded
//    for heartbeat_timeout; then Ready=False, reason HeartbeatTimeout. Nothing is destroyed
//    because a host is unreachable: its VMs only report HostReachable=False.
//  - allocatable = (capacity - spec.reserved) x spec.overcommit, per resource (storage is not
//    overcommitted); allocated is the sum over the VMs placed on the host.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "api/v1alpha1/hyperv_host_types.h"
#include "controllers/resources.h"
#include "hostagent/protocol/host_info.h"

namespace hvo::controllers {

struct HostPoll {
  std::optional<agent::HostInfo> info;  // absent: the poll failed
  std::string failure_reason;           // "AgentUnreachable", "InvalidCredentials", ...
  std::string failure_message;          // the AgentError (or Secret) message
  // When the agent last answered, as the monitor remembers it (or the status' heartbeat after a
  // restart); equals `now` for a successful poll.
  std::optional<k8s::Time> last_contact;
  ResourceAmounts allocated;  // the VMs placed on this host
  k8s::Time now;
  bool first_since_start = false;  // this process has not polled the host before
};

struct HeartbeatSettings {
  std::chrono::seconds timeout{std::chrono::seconds(120)};
  std::chrono::seconds write_interval{std::chrono::minutes(5)};
};

// The age from which the first poll after a start refreshes the heartbeat: write_interval, or
// three quarters of the timeout when that is longer. A running operator keeps the heartbeat
// younger than write_interval + one poll interval, so a restart mostly finds it younger than
// this and leaves it to a later poll: a restart's resync writes nothing for idle hosts.
std::chrono::seconds restart_refresh_age(const HeartbeatSettings& settings);

struct HostStatusUpdate {
  api::HyperVHostStatus status;
  bool changed = false;  // differs from the current status: write it
  bool ready = false;
};

// capacity - reserved (not below zero), times the overcommit ratio, rounded down.
ResourceAmounts host_allocatable(const agent::HostResources& capacity,
                                 const api::HyperVHostSpec& spec);

HostStatusUpdate next_host_status(const api::HyperVHost& host, const HostPoll& poll,
                                  const HeartbeatSettings& settings);

}  // namespace hvo::controllers
