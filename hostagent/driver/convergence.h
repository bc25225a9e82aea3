// What ensure must change on an existing VM, decided from the desired spec and the VM's current
// configuration (both as VmSpec), and which of those changes must wait until the VM is off.
// Pure: both drivers use it, so the rules (which Hyper-V settings change on a running VM) live
// in one tested place.
#pragma once

#include <string>
#include <vector>

#include "hostagent/protocol/vm_spec.h"

namespace hvo::agent {

// Field names reported to the operator (restartRequiredFields, changedFields) and sent to the
// hyperv driver's ensure script. NIC and disk fields carry the device name:
// "networks[nic0].vlanId", "disks[data].sizeBytes".
namespace field {
inline constexpr const char* kGeneration = "generation";
inline constexpr const char* kCpuCount = "cpu.count";
inline constexpr const char* kCpuControls = "cpu.controls";  // reserve, limit, weight
inline constexpr const char* kCpuNested = "cpu.exposeVirtualizationExtensions";
inline constexpr const char* kMemoryStartup = "memory.startupBytes";
inline constexpr const char* kMemoryDynamic = "memory.dynamic";  // on/off
inline constexpr const char* kMemoryDynamicLimits = "memory.dynamic.limits";
inline constexpr const char* kFirmware = "firmware";
inline constexpr const char* kImage = "image";
}  // namespace field

struct ConvergencePlan {
  std::vector<std::string> apply_now;         // differ and can change in the VM's current state
  std::vector<std::string> restart_required;  // differ but need the VM off
  // Differ and Hyper-V cannot change them at all (generation, base image, shrinking a disk):
  // only a new VM would match the spec.
  std::vector<std::string> unsupported;
};

// Compares desired with current. When `vm_is_off`, every supported change applies at once.
ConvergencePlan plan_convergence(const VmSpec& desired, const VmSpec& current, bool vm_is_off);

// The configuration after applying `fields` of the plan: current with those fields taken from
// desired. Used by the sim driver (Hyper-V applies them through cmdlets).
VmSpec apply_fields(const VmSpec& current, const VmSpec& desired,
                    const std::vector<std::string>& fields);

}  // namespace hvo::agent
