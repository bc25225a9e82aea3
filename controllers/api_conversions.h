// From the API's objects to the plain structs the scheduler and the quota ledger compute with,
// and back for status.allocated. One place decides what a VM "takes":
//   cpu      spec.cpu.count
//   memory   spec.memory.startup, or spec.memory.dynamic.maximum when larger (the most the VM
//            can hold, so dynamic memory can never push a host or a quota over)
//   storage  the declared sizes of spec.disks (an image disk without a size counts 0: its size
//            is the base image's, which the host holds once for every VM)
#pragma once

#include <optional>
#include <set>
#include <string>

#include "api/v1alpha1/hyperv_host_types.h"
#include "api/v1alpha1/quota_types.h"
#include "api/v1alpha1/tenant_types.h"
#include "api/v1alpha1/virtual_machine_types.h"
#include "controllers/quota_ledger.h"
#include "controllers/resources.h"
#include "controllers/scheduler.h"

namespace hvo::controllers {

ResourceAmounts vm_requested(const api::VirtualMachineSpec& spec);
// The quota charge of a VM taking `amounts`: the amounts and one VM.
QuotaUsage quota_usage(const ResourceAmounts& amounts);

// Host capabilities the spec needs, in the agent's spelling (GET /v1/host): secureBoot, tpm,
// nestedVirtualization, dynamicMemory.
std::set<std::string> required_capabilities(const api::VirtualMachineSpec& spec);

// The scheduler's request for `vm`; `tenant` contributes its hostSelector. Fails with
// kInvalidArgument naming the selector field when a selector cannot be used.
Result<PlacementRequest> placement_request(const api::VirtualMachine& vm,
                                           const api::Tenant* tenant);

ResourceAmounts to_amounts(const api::ResourceAmounts& amounts);
api::ResourceAmounts to_api(const ResourceAmounts& amounts);

// What the scheduler knows of `host`: from its status (Ready condition, allocatable,
// capabilities, switches, images), plus what the VMs placed there take.
HostSnapshot host_snapshot(const api::HyperVHost& host, const ResourceAmounts& allocated,
                           std::set<std::string> anti_affinity_groups);

// Fails with kInvalidArgument naming spec.hostSelector when it cannot be used.
Result<QuotaSnapshot> quota_snapshot(const api::Quota& quota);

// The reservation recorded on a VM's status (QuotaReserved=True and status.allocated), if any.
std::optional<VmCharge> vm_charge(const api::VirtualMachine& vm, const std::string& tenant);

}  // namespace hvo::controllers
