// Drift seen from a host's inventory (GET /v1/vms), so the host monitor can wake the VMs that
// need the VirtualMachine reconciler at once instead of on its periodic resync: a VM deleted by
// hand on the host is recreated within a poll, a VM stopped behind the operator's back is
// started again (per its runStrategy), a VM edited by hand (configDrift) is set back.
#pragma once

#include <string>
#include <vector>

#include "controllers/vm_observations.h"
#include "hostagent/protocol/vm_status.h"

namespace hvo::controllers {

// Keys ("ns/name") of the VMs whose status places them on `host` as created (status.vmId set)
// and that the inventory lacks, or shows in another power state than status.powerState or with
// other IP addresses than status.ipAddresses (a guest that booted reports its addresses later),
// or changed on the host by hand (configDrift).
// VMs being deleted are left to their finalizer. A settled VM is looked at only when this says
// so: the host poll is its drift check.
std::vector<std::string> drifted_vms(const std::string& host, const std::vector<VmObservation>& vms,
                                     const agent::Inventory& inventory);

// The inventory with only what drifted_vms() compares (identity, power state, addresses, drift),
// and the digest: what a host monitor keeps between polls, a few strings per VM.
agent::Inventory drift_view(agent::Inventory inventory);

// status.powerState as the VirtualMachine reconciler writes it: the host's own word when it
// gave one, else the protocol's state name.
std::string power_state_text(const agent::VmStatus& vm);

}  // namespace hvo::controllers
