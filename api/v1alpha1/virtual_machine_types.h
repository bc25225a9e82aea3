// VirtualMachine (namespaced, shortName hvm): one Hyper-V VM, desired in spec, observed in
// status. Field names and defaults are the CRD's (crds/hyperv.operator.io_virtualmachines.yaml).
//
// Entry points for code that reads objects (the examples test, the controllers):
//   Result<VirtualMachine> VirtualMachine::from_json(const nlohmann::json&)
//   Result<VirtualMachine> VirtualMachine::parse(std::string_view json_text)
//   nlohmann::json VirtualMachine::to_json() const  (raw JSON with the typed fields overlaid)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/k8s/condition.h"
#include "api/k8s/json_codec.h"
#include "api/k8s/label_selector.h"
#include "api/k8s/object_meta.h"
#include "api/k8s/quantity.h"
#include "api/k8s/time.h"
#include "api/v1alpha1/enums.h"
#include "api/v1alpha1/resources.h"
#include "api/v1alpha1/virtual_machine_migration_types.h"
#include "common/status.h"

namespace hvo::api {

struct CpuSpec {
  std::int32_t count = 0;                       // virtual processors, 1..240
  std::optional<std::int32_t> reserve_percent;  // 0..100
  std::optional<std::int32_t> limit_percent;    // 0..100
  std::optional<std::int32_t> weight;           // 0..10000
  std::optional<bool> expose_virtualization_extensions;
  // Hyper-V's processor compatibility mode (Set-VMProcessor -CompatibilityForMigrationEnabled):
  // hides newer CPU features so the VM can live-migrate between hosts of different processor
  // generations. Changing it needs the VM off.
  std::optional<bool> compatibility_for_migration;
};

struct DynamicMemorySpec {
  std::optional<k8s::Quantity> minimum;
  std::optional<k8s::Quantity> maximum;
  std::optional<std::int32_t> buffer_percent;  // 5..2000
};

struct MemorySpec {
  k8s::Quantity startup;
  std::optional<DynamicMemorySpec> dynamic;  // absent: static memory
};

struct FirmwareSpec {
  std::optional<bool> secure_boot;
  std::optional<SecureBootTemplate> secure_boot_template;
  std::optional<bool> tpm;
};

struct DiskSpec {
  std::string name;
  std::optional<k8s::Quantity> size;
  DiskSource source = DiskSource::kBlank;
};

struct NetworkSpec {
  std::string name;
  std::string switch_name;  // JSON "switch"
  std::optional<std::int32_t> vlan_id;
  std::string mac_address;  // empty: Hyper-V assigns one
};

struct SecretKeyRef {
  std::string name;
  std::string key = "userdata";
};

struct CloudInitSpec {
  std::optional<std::string> user_data;
  std::optional<SecretKeyRef> user_data_secret_ref;
  std::optional<std::string> network_data;
  std::optional<std::string> meta_data;
};

struct PlacementSpec {
  std::string host;                                 // pinned host; empty: the scheduler chooses
  std::optional<k8s::LabelSelector> host_selector;  // absent: any host
  PlacementStrategy strategy = PlacementStrategy::kSpread;
  std::string anti_affinity_group;
  // How far apart the group's VMs stay: Host (never on one host) or Zone (never in one zone;
  // a host without spec.zone is a zone of its own).
  AntiAffinityTopology anti_affinity_topology = AntiAffinityTopology::kHost;
};

struct ShutdownSpec {
  ShutdownMode mode = ShutdownMode::kGraceful;
  std::int32_t timeout_seconds = 120;
};

// How changes that need the VM off reach it: Manual waits for spec.restartRequestedAt (or a
// stop and start through runStrategy); Automatic restarts the VM by itself, one member of an
// antiAffinityGroup at a time.
struct UpdateStrategy {
  UpdateStrategyType type = UpdateStrategyType::kManual;
};

// What the operator may do when the VM's host is lost (docs/operations.md, "Losing a host"):
// with restartOnHostFailure, a VM whose host has been NotReady for hostFailureTimeout and is
// fenced (HyperVHost spec.fenced) is created again on another host from its image. Off by default:
// recreating loses what the old disks held since the image.
struct AvailabilitySpec {
  bool restart_on_host_failure = false;
  std::string host_failure_timeout = "5m";  // a Go duration ("90s", "5m", "1h30m")
};

struct VirtualMachineSpec {
  RunStrategy run_strategy = RunStrategy::kAlways;
  std::int32_t generation = 2;
  CpuSpec cpu;
  MemorySpec memory;
  std::optional<FirmwareSpec> firmware;
  std::string image;
  std::vector<DiskSpec> disks;
  std::vector<NetworkSpec> networks;
  std::optional<CloudInitSpec> cloud_init;
  PlacementSpec placement;
  ShutdownSpec shutdown;
  std::optional<k8s::Time> restart_requested_at;
  UpdateStrategy update_strategy;
  // Delete removes the VM and its disks from the host; Orphan leaves them there, without the
  // owner marker (the quota is freed either way).
  DeletionPolicy deletion_policy = DeletionPolicy::kDelete;
  std::optional<AvailabilitySpec> availability;
};

// A restart the operator is carrying out (graceful shutdown → ensure while off → start),
// recorded in status so a restarted operator carries on where it stopped.
struct RestartProgress {
  std::string phase;                    // "ShuttingDown"
  std::string reason;                   // "RestartRequested" | "UpdateStrategyAutomatic" | ...
  std::optional<k8s::Time> started_at;  // when the shutdown was asked for
  std::vector<std::string> fields;      // the pending fields the restart applies
};

// A copy of the VM left on a host it was failed over from: removed (never started) once that
// host answers again, then dropped from the list.
struct StaleCopy {
  std::string host;
  std::string vm_id;               // the copy's VMId on that host
  std::optional<k8s::Time> since;  // when the VM was failed over
};

struct VirtualMachineStatus {
  std::optional<VirtualMachinePhase> phase;
  std::string host;
  std::string vm_id;
  std::string power_state;
  std::vector<std::string> ip_addresses;
  std::optional<ResourceAmounts> allocated;
  std::optional<k8s::Time> last_restart_time;
  std::optional<RestartProgress> restart;  // a restart under way
  std::vector<StaleCopy> stale_copies;     // left on lost hosts by failovers
  std::optional<VmMigrationRef> migration;  // a live migration under way or just finished
  std::int64_t observed_generation = 0;
  std::vector<k8s::Condition> conditions;
};

struct VirtualMachine {
  static constexpr const char* kKind = "VirtualMachine";
  static constexpr const char* kPlural = "virtualmachines";

  k8s::ObjectMeta metadata;
  VirtualMachineSpec spec;
  VirtualMachineStatus status;
  k8s::Json raw;  // the object as read; to_json() writes the typed fields over it

  static Result<VirtualMachine> from_json(const k8s::Json& json);
  static Result<VirtualMachine> parse(std::string_view json_text);
  k8s::Json to_json() const;
};

void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            CpuSpec& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            DynamicMemorySpec& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            MemorySpec& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            FirmwareSpec& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            DiskSpec& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            NetworkSpec& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            SecretKeyRef& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            CloudInitSpec& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            PlacementSpec& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            ShutdownSpec& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            UpdateStrategy& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            RestartProgress& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            AvailabilitySpec& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            StaleCopy& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            VirtualMachineSpec& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            VirtualMachineStatus& out);

void encode(k8s::Json& target, const CpuSpec& cpu);
void encode(k8s::Json& target, const DynamicMemorySpec& dynamic);
void encode(k8s::Json& target, const MemorySpec& memory);
void encode(k8s::Json& target, const FirmwareSpec& firmware);
void encode(k8s::Json& target, const DiskSpec& disk);
void encode(k8s::Json& target, const std::vector<DiskSpec>& disks);  // by name
void encode(k8s::Json& target, const NetworkSpec& network);
void encode(k8s::Json& target, const std::vector<NetworkSpec>& networks);  // by name
void encode(k8s::Json& target, const SecretKeyRef& ref);
void encode(k8s::Json& target, const CloudInitSpec& cloud_init);
void encode(k8s::Json& target, const PlacementSpec& placement);
void encode(k8s::Json& target, const ShutdownSpec& shutdown);
void encode(k8s::Json& target, const UpdateStrategy& strategy);
void encode(k8s::Json& target, const RestartProgress& restart);
void encode(k8s::Json& target, const AvailabilitySpec& availability);
void encode(k8s::Json& target, const StaleCopy& copy);
void encode(k8s::Json& target, const std::vector<StaleCopy>& copies);  // by host
void encode(k8s::Json& target, const VirtualMachineSpec& spec);
void encode(k8s::Json& target, const VirtualMachineStatus& status);

}  // namespace hvo::api
