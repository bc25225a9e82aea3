// What ensure must change on an existing VM, decided from the desired spec and the VM's current
// configuration (both as VmSpec) and power state, and which of those changes must wait until the
// VM is off. Pure: both drivers use it, so the rules (which Hyper-V settings change on a running
// VM, and in which direction) live in one tested place. Each field is one cmdlet parameter, so
// the hyperv driver passes only what changed. The rules and their sources: docs/hyperv-rules.md.
#pragma once

#include <string>
#include <vector>

#include "hostagent/protocol/vm_spec.h"
#include "hostagent/protocol/vm_status.h"

namespace hvo::agent {

// Field names reported to the operator (restartRequiredFields, changedFields) and sent to the
// hyperv driver's ensure script. NIC and disk fields carry the device name:
// "networks[nic0].vlanId", "disks[data].sizeBytes".
namespace field {
inline constexpr const char* kGeneration = "generation";
inline constexpr const char* kCpuCount = "cpu.count";
inline constexpr const char* kCpuReserve = "cpu.reservePercent";
inline constexpr const char* kCpuLimit = "cpu.limitPercent";
inline constexpr const char* kCpuWeight = "cpu.weight";
inline constexpr const char* kCpuNested = "cpu.exposeVirtualizationExtensions";
inline constexpr const char* kCpuCompatibility = "cpu.compatibilityForMigration";
inline constexpr const char* kMemoryStartup = "memory.startupBytes";
inline constexpr const char* kMemoryDynamic = "memory.dynamic";  // on/off
inline constexpr const char* kMemoryMinimum = "memory.dynamic.minimumBytes";
inline constexpr const char* kMemoryMaximum = "memory.dynamic.maximumBytes";
inline constexpr const char* kMemoryBuffer = "memory.dynamic.bufferPercent";
inline constexpr const char* kSecureBoot = "firmware.secureBoot";  // with its template
inline constexpr const char* kTpm = "firmware.tpm";
inline constexpr const char* kImage = "image";
// The cloud-init seed ISO could not be attached: the VM has no DVD drive and one can only be
// added while it is off (hyperv driver).
inline constexpr const char* kCloudInit = "cloudInit";
}  // namespace field

// The secure boot template the VM must have, or "" when any will do (secure boot off, or no
// template asked for and none implied). A VM with cloud-init is taken to be a Linux guest (the
// NoCloud seed is what Linux cloud images read), and Linux boot loaders are signed by the
// Microsoft UEFI CA: without a template it gets MicrosoftUEFICertificateAuthority, since Hyper-V
// would otherwise keep its MicrosoftWindows default and the guest would never boot.
std::string effective_secure_boot_template(const VmSpec& spec);

struct ConvergencePlan {
  std::vector<std::string> apply_now;         // differ and can change in the VM's current state
  std::vector<std::string> restart_required;  // differ but need the VM off
  // Differ and Hyper-V cannot change them at all (generation, base image, shrinking a disk):
  // only a new VM would match the spec.
  std::vector<std::string> unsupported;
};

// Compares desired with current. Off: every supported change applies at once. Running: what
// Hyper-V changes on a running VM applies now (dynamic memory minimum only downwards, maximum
// only upwards), the rest waits for the VM to be off. Any other state (Saved, Paused, a
// transition): nothing applies now, since Hyper-V refuses configuration changes to a VM with
// saved or frozen memory; every difference waits.
ConvergencePlan plan_convergence(const VmSpec& desired, const VmSpec& current, VmState state);

// The configuration after applying `fields` of the plan: current with those fields taken from
// desired. Used by the sim driver (Hyper-V applies them through cmdlets).
VmSpec apply_fields(const VmSpec& current, const VmSpec& desired,
                    const std::vector<std::string>& fields);

}  // namespace hvo::agent
