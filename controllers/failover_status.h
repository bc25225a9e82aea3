// What a VirtualMachine's status says about a lost host and a failover (failover_planner.h):
// the HostLost condition and the list of stale copies a failover leaves behind. Pure functions.
//
// HostLost is True while the VM's host is lost (the reason says what the VM waits for) and after
// a failover until every stale copy is removed (FailedOver); it turns False (HostRecovered or
// StaleCopiesRemoved) once neither holds. A VM that never lost a host has no HostLost condition.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/k8s/condition.h"
#include "api/v1alpha1/virtual_machine_types.h"

namespace hvo::controllers {

// HostLost as this pass found it: `lost` holds the reason and message when the host is lost now
// (or the VM was failed over in this pass). Nullopt: leave the conditions as they are.
std::optional<k8s::Condition> next_host_lost(const std::vector<k8s::Condition>& current,
                                             const std::optional<k8s::Condition>& lost,
                                             const std::vector<api::StaleCopy>& stale_copies,
                                             std::int64_t generation);

// Records a copy left on `copy.host` (one entry per host: a newer one replaces it).
void record_stale_copy(std::vector<api::StaleCopy>& copies, api::StaleCopy copy);

// The Failover Event's and HostLost's message for a VM recreated on `to` after `from` was lost.
std::string failover_message(const std::string& from, const std::string& to,
                             const std::string& lost_message);

}  // namespace hvo::controllers
