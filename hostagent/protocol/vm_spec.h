// The desired VM the operator sends in PUT /v1/vms/{uid}. Sizes are plain byte counts and CPU is
// a count: Kubernetes quantities are resolved by the operator, never parsed here.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hostagent/protocol/agent_result.h"

namespace hvo::agent {

// What the operator wants the VM's power to be after ensure. kUnchanged leaves it alone (the
// operator's Manual run strategy, or a VM it is about to stop through /power).
enum class PowerIntent { kRunning, kOff, kUnchanged };
const char* to_string(PowerIntent intent);
std::optional<PowerIntent> parse_power_intent(std::string_view text);

enum class DiskSource { kImage, kBlank };  // image: differencing child of VmSpec::image
const char* to_string(DiskSource source);
std::optional<DiskSource> parse_disk_source(std::string_view text);

struct CpuSpec {
  int64_t count = 1;
  int64_t reserve_percent = 0;  // Hyper-V "virtual machine reserve", 0..100
  int64_t limit_percent = 100;  // Hyper-V "virtual machine limit", 0..100
  int64_t weight = 100;         // relative weight, 1..10000
  bool expose_virtualization_extensions = false;
  // Processor compatibility mode for live migration between processor versions (off to change).
  bool compatibility_for_migration = false;
  bool operator==(const CpuSpec& other) const;
};

struct DynamicMemorySpec {
  int64_t minimum_bytes = 0;
  int64_t maximum_bytes = 0;
  int64_t buffer_percent = 20;  // 5..2000
  bool operator==(const DynamicMemorySpec& other) const;
};

struct MemorySpec {
  int64_t startup_bytes = 0;
  std::optional<DynamicMemorySpec> dynamic;  // absent: static memory
  bool operator==(const MemorySpec& other) const;
};

struct FirmwareSpec {
  bool secure_boot = false;
  std::string secure_boot_template;  // MicrosoftWindows | MicrosoftUEFICertificateAuthority | ...
  bool tpm = false;
  bool operator==(const FirmwareSpec& other) const;
};

struct DiskSpec {
  std::string name;
  int64_t size_bytes = 0;  // for an image disk, 0 keeps the image's size
  DiskSource source = DiskSource::kBlank;
  bool operator==(const DiskSpec& other) const;
};

struct NetworkSpec {
  std::string name;
  std::string switch_name;
  std::optional<int64_t> vlan_id;  // absent: untagged
  std::string mac_address;         // empty: dynamic; else 12 upper-case hex digits
  bool operator==(const NetworkSpec& other) const;
};

struct CloudInitSpec {
  std::string user_data;
  std::string meta_data;     // empty: the agent writes instance-id and local-hostname
  std::string network_data;  // empty: no network-config file
  bool operator==(const CloudInitSpec& other) const;
};

struct VmSpec {
  std::string uid;                // Kubernetes UID of the VirtualMachine: the owner marker in Notes
  std::string name;               // Kubernetes name
  std::string namespace_;         // Kubernetes namespace
  int64_t object_generation = 0;  // metadata.generation this spec comes from (echoed back)
  int64_t generation = 2;         // Hyper-V VM generation: 1 or 2
  CpuSpec cpu;
  MemorySpec memory;
  FirmwareSpec firmware;
  std::string image;  // base image name; empty: no image disk
  std::vector<DiskSpec> disks;
  std::vector<NetworkSpec> networks;
  std::optional<CloudInitSpec> cloud_init;
  PowerIntent power = PowerIntent::kRunning;
  // With power Off, how long the guest gets to shut down before the VM is turned off
  // (spec.shutdown.timeoutSeconds; absent on the wire: 120).
  int64_t shutdown_timeout_seconds = 120;

  // The VM's name on the host: "<namespace>.<name>" (namespaces carry no dots, so it is
  // unambiguous), at most kMaxHostVmName characters: a longer one is cut and ends in "~" and
  // the uid's first 8 characters, so it stays readable and two cut names still differ. Display
  // only: the agent never looks a VM up by name.
  std::string host_vm_name() const;
  static constexpr std::size_t kMaxHostVmName = 100;  // Hyper-V's limit
};

void to_json(nlohmann::json& json, const VmSpec& spec);
// Parses the body of PUT /v1/vms/{uid}; wrong types are InvalidSpec naming the field. Does not
// check bounds: see validate_vm_spec().
AgentResult<VmSpec> parse_vm_spec(std::string_view body);

namespace wire {
// Reads a VmSpec at `path`; throws wire::FieldError. For protocol types that embed a spec.
VmSpec read_vm_spec(const nlohmann::json& json, const std::string& path);
}  // namespace wire

}  // namespace hvo::agent
