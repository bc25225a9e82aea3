// Semantic rules for VirtualMachine: what Hyper-V would refuse, and combinations of fields the
// schema cannot see together.
#include <string>
#include <vector>

#include "api/k8s/duration.h"
#include "api/k8s/names.h"
#include "api/v1alpha1/validation.h"
#include "api/v1alpha1/validation_rules.h"

namespace hvo::api {
namespace {

using k8s::FieldErrors;
using k8s::Quantity;

constexpr std::int64_t kMiB = 1024 * 1024;
// Hyper-V assigns memory in 2 MB pages and needs at least 32 MB; VHDX disks end at 64 TB.
constexpr std::int64_t kMemoryGranularity = 2 * kMiB;
constexpr std::int64_t kMinimumMemory = 32 * kMiB;
constexpr std::int64_t kMaximumDiskSize = std::int64_t{64} * 1024 * 1024 * kMiB;

void check_memory_amount(const Quantity& amount, const std::string& path, FieldErrors& errors) {
  if (amount < Quantity::from_int(kMinimumMemory)) {
    errors.push_back({path, "must be at least 32Mi, got " + amount.to_string()});
    return;
  }
  const bool whole_bytes = Quantity::from_int(amount.value()) == amount;
  if (!whole_bytes || amount.value() % kMemoryGranularity != 0) {
    errors.push_back({path, "must be a multiple of 2Mi (Hyper-V's memory granularity), got " +
                                amount.to_string()});
  }
}

void validate_cpu(const CpuSpec& cpu, FieldErrors& errors) {
  check_range(cpu.count, 1, 240, "spec.cpu.count", errors);
  if (cpu.reserve_percent)
    check_range(*cpu.reserve_percent, 0, 100, "spec.cpu.reservePercent", errors);
  if (cpu.limit_percent)
    check_range(*cpu.limit_percent, 0, 100, "spec.cpu.limitPercent", errors);
  if (cpu.weight)
    check_range(*cpu.weight, 0, 10000, "spec.cpu.weight", errors);
  if (cpu.reserve_percent && cpu.limit_percent && *cpu.reserve_percent > *cpu.limit_percent) {
    errors.push_back({"spec.cpu.reservePercent", "must not exceed spec.cpu.limitPercent"});
  }
}

void validate_memory(const MemorySpec& memory, FieldErrors& errors) {
  check_memory_amount(memory.startup, "spec.memory.startup", errors);
  if (!memory.dynamic)
    return;
  const DynamicMemorySpec& dynamic = *memory.dynamic;
  if (dynamic.minimum) {
    check_memory_amount(*dynamic.minimum, "spec.memory.dynamic.minimum", errors);
    if (*dynamic.minimum > memory.startup) {
      errors.push_back({"spec.memory.dynamic.minimum", "must not exceed spec.memory.startup"});
    }
  }
  if (dynamic.maximum) {
    check_memory_amount(*dynamic.maximum, "spec.memory.dynamic.maximum", errors);
    if (*dynamic.maximum < memory.startup) {
      errors.push_back(
          {"spec.memory.dynamic.maximum", "must not be less than spec.memory.startup"});
    }
  }
  if (dynamic.buffer_percent) {
    check_range(*dynamic.buffer_percent, 5, 2000, "spec.memory.dynamic.bufferPercent", errors);
  }
}

void validate_firmware(const VirtualMachineSpec& spec, FieldErrors& errors) {
  check_range(spec.generation, 1, 2, "spec.generation", errors);
  if (!spec.firmware || spec.generation == 2)
    return;
  if (spec.firmware->secure_boot.value_or(false)) {
    errors.push_back({"spec.firmware.secureBoot", "requires spec.generation 2"});
  }
  if (spec.firmware->tpm.value_or(false)) {
    errors.push_back({"spec.firmware.tpm", "requires spec.generation 2"});
  }
}

void validate_disks(const VirtualMachineSpec& spec, FieldErrors& errors) {
  if (!spec.image.empty())
    check_image_name(spec.image, "spec.image", errors);
  std::vector<std::string> names;
  int image_disks = 0;
  for (std::size_t i = 0; i < spec.disks.size(); ++i) {
    const DiskSpec& disk = spec.disks[i];
    const std::string path = k8s::index_path("spec.disks", i);
    names.push_back(disk.name);
    add_name_problems(k8s::check_dns1123_label(disk.name), disk.name, path + ".name", errors);
    if (disk.size) {
      check_positive(*disk.size, path + ".size", errors);
      if (*disk.size > Quantity::from_int(kMaximumDiskSize)) {
        errors.push_back({path + ".size",
                          "must not exceed 64Ti (the VHDX limit), got " + disk.size->to_string()});
      }
    }
    if (disk.source == DiskSource::kBlank && !disk.size) {
      errors.push_back({path + ".size", "required value for a blank disk"});
    }
    if (disk.source == DiskSource::kImage) {
      if (++image_disks > 1) {
        errors.push_back({path + ".source", "only one disk may be created from the image"});
      }
      if (spec.image.empty()) {
        errors.push_back({path + ".source", "a disk from the image requires spec.image"});
      }
    }
  }
  check_unique(names, "spec.disks", "name", errors);
}

void validate_networks(const std::vector<NetworkSpec>& networks, FieldErrors& errors) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < networks.size(); ++i) {
    const NetworkSpec& network = networks[i];
    const std::string path = k8s::index_path("spec.networks", i);
    names.push_back(network.name);
    add_name_problems(k8s::check_dns1123_label(network.name), network.name, path + ".name", errors);
    check_switch_name(network.switch_name, path + ".switch", errors);
    if (network.vlan_id)
      check_range(*network.vlan_id, 1, 4094, path + ".vlanId", errors);
    if (!network.mac_address.empty()) {
      check_mac_address(network.mac_address, path + ".macAddress", errors);
    }
  }
  check_unique(names, "spec.networks", "name", errors);
}

void validate_cloud_init(const std::optional<CloudInitSpec>& cloud_init, FieldErrors& errors) {
  if (!cloud_init)
    return;
  if (cloud_init->user_data && cloud_init->user_data_secret_ref) {
    errors.push_back({"spec.cloudInit.userDataSecretRef",
                      "must not be set together with spec.cloudInit.userData"});
  }
  if (cloud_init->user_data_secret_ref) {
    const SecretKeyRef& ref = *cloud_init->user_data_secret_ref;
    add_name_problems(k8s::check_dns1123_subdomain(ref.name), ref.name,
                      "spec.cloudInit.userDataSecretRef.name", errors);
    if (ref.key.empty()) {
      errors.push_back({"spec.cloudInit.userDataSecretRef.key", "required value"});
    }
  }
}

void validate_placement(const PlacementSpec& placement, FieldErrors& errors) {
  if (!placement.host.empty()) {
    add_name_problems(k8s::check_dns1123_subdomain(placement.host), placement.host,
                      "spec.placement.host", errors);
    if (placement.host_selector) {
      errors.push_back({"spec.placement.hostSelector",
                        "must not be set together with spec.placement.host (a pinned host)"});
    }
  }
  if (placement.host_selector) {
    const FieldErrors selector_errors =
        k8s::validate(*placement.host_selector, "spec.placement.hostSelector");
    errors.insert(errors.end(), selector_errors.begin(), selector_errors.end());
  }
  if (!placement.anti_affinity_group.empty()) {
    add_name_problems(k8s::check_dns1123_label(placement.anti_affinity_group),
                      placement.anti_affinity_group, "spec.placement.antiAffinityGroup", errors);
  } else if (placement.anti_affinity_topology == AntiAffinityTopology::kZone) {
    errors.push_back({"spec.placement.antiAffinityTopology",
                      "Zone needs spec.placement.antiAffinityGroup (the group to keep apart)"});
  }
}

// A failover waits at least this long after the host turned NotReady (which itself takes the
// heartbeat timeout), and at most a week.
void validate_availability(const std::optional<AvailabilitySpec>& availability,
                           FieldErrors& errors) {
  if (!availability)
    return;
  const std::string path = "spec.availability.hostFailureTimeout";
  const auto timeout = k8s::parse_duration(availability->host_failure_timeout);
  if (!timeout) {
    errors.push_back({path, "must be a duration such as 90s, 5m or 1h30m, got \"" +
                                availability->host_failure_timeout + "\""});
    return;
  }
  if (*timeout > std::chrono::hours(24 * 7))
    errors.push_back({path, "must be at most 168h, got " + availability->host_failure_timeout});
}

}  // namespace

FieldErrors validate(const VirtualMachine& vm) {
  FieldErrors errors;
  check_windows_name(vm.metadata.name, "metadata.name", errors);
  const VirtualMachineSpec& spec = vm.spec;
  validate_cpu(spec.cpu, errors);
  validate_memory(spec.memory, errors);
  validate_firmware(spec, errors);
  validate_disks(spec, errors);
  validate_networks(spec.networks, errors);
  validate_cloud_init(spec.cloud_init, errors);
  validate_placement(spec.placement, errors);
  check_range(spec.shutdown.timeout_seconds, 0, 3600, "spec.shutdown.timeoutSeconds", errors);
  validate_availability(spec.availability, errors);
  return errors;
}

}  // namespace hvo::api
