// The VM the agent should have (agent::VmSpec, PUT /v1/vms/{uid}) from a VirtualMachine, and
// the tenant's policy on switches, VLANs and images. Both fail with kInvalidArgument and a
// message naming the field, which the reconciler reports as Ready=False, reason InvalidSpec:
//   spec.networks[1].switch: switch "dmz" is not allowed for tenant team-a (allowed: lan, mgmt)
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "api/v1alpha1/tenant_types.h"
#include "api/v1alpha1/virtual_machine_types.h"
#include "common/status.h"
#include "hostagent/protocol/vm_spec.h"

namespace hvo::controllers {

// What a tenant allows its VMs; an empty set allows everything.
struct TenantPolicy {
  std::string tenant;
  std::set<std::string> allowed_switches;
  std::set<std::int32_t> allowed_vlans;
  std::set<std::string> allowed_images;
};

TenantPolicy tenant_policy(const api::Tenant& tenant);

// The first violation of `policy` by `spec`, checked in field order.
Status check_tenant_policy(const api::VirtualMachineSpec& spec, const TenantPolicy& policy);

// Builds the agent's spec. `user_data` is the cloud-init user data already resolved (inline or
// from spec.cloudInit.userDataSecretRef); absent when the VM has no cloud-init. Quantities become
// bytes; MAC addresses are normalized to 12 upper-case hex digits ("00:15:5d:01:02:03" is
// accepted); absent optional settings take the agent's defaults.
Result<agent::VmSpec> desired_vm_spec(const api::VirtualMachine& vm,
                                      const std::optional<std::string>& user_data,
                                      agent::PowerIntent power);

// "00:15:5d:0a:0b:0c" or "00-15-5D-0A-0B-0C" or "00155D0A0B0C" → "00155D0A0B0C"; nullopt when
// it is not 12 hex digits.
std::optional<std::string> normalize_mac_address(const std::string& text);

}  // namespace hvo::controllers
