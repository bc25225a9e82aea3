// What the agent observed about a managed VM: one inventory entry of GET /v1/vms and the VM part
// of an ensure result.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hostagent/protocol/agent_result.h"

namespace hvo::agent {

// Hyper-V's power states the operator cares about; anything else (Paused, the *Critical states,
// Hyper-V's transitional states) is kOther with the host's own word in VmStatus::raw_state.
enum class VmState { kOff, kStarting, kRunning, kStopping, kSaved, kPaused, kOther };
const char* to_string(VmState state);
VmState parse_vm_state(std::string_view text);  // unknown text is kOther

struct NicStatus {
  std::string name;
  std::string switch_name;
  std::string mac_address;  // 12 upper-case hex digits
  std::optional<int64_t> vlan_id;
  std::vector<std::string> ip_addresses;
};

struct DiskStatus {
  std::string name;
  std::string path;
  int64_t size_bytes = 0;  // virtual size
};

struct VmStatus {
  std::string uid;    // owner marker from Notes
  std::string vm_id;  // Hyper-V VMId (GUID)
  std::string name;   // name on the host
  VmState state = VmState::kOff;
  std::string raw_state;  // the host's own state word, for kOther and for people
  int64_t generation = 2;
  int64_t cpu_count = 0;
  int64_t memory_startup_bytes = 0;
  int64_t memory_assigned_bytes = 0;
  bool dynamic_memory_enabled = false;
  int64_t uptime_seconds = 0;
  std::vector<std::string> ip_addresses;  // all NICs' addresses, guest-reported
  std::vector<NicStatus> nics;
  std::vector<DiskStatus> disks;
  std::string dvd_path;  // the cloud-init seed ISO, when attached
  // metadata.generation of the last spec applied in full: it does not advance while a field of
  // that spec waits for the VM to be off.
  int64_t object_generation = 0;
  // Spec fields of the last applied spec that the VM does not have yet because they can only
  // change while it is off ("cpu.count"). Read from what the agent recorded at the last ensure
  // on every GET and inventory: a restart without an ensure while off leaves them pending.
  std::vector<std::string> restart_required_fields;
  // spec_hash() of the last spec applied (spec_hash.h); empty when none was recorded.
  std::string applied_spec_hash;
  // The VM's configuration differs from what the last ensure left (edited on the host by hand):
  // an ensure of the same spec converges it again.
  bool config_drift = false;
  // Set when the host could not read this VM's configuration: what went wrong. The identity
  // (uid, vmId, name, state) is still reported; the configuration fields are then empty. One
  // such VM never fails the whole inventory.
  std::string error;
  bool restart_required() const { return !restart_required_fields.empty(); }
};

// GET /v1/vms: the managed VMs, and how many VMs on the host carry no owner marker.
struct Inventory {
  std::vector<VmStatus> vms;
  int64_t unmanaged_count = 0;
  std::string digest;  // inventory_digest() of `vms`, set by the agent's API
};

void to_json(nlohmann::json& json, const VmStatus& status);
void to_json(nlohmann::json& json, const Inventory& inventory);
AgentResult<Inventory> parse_inventory(std::string_view body);

namespace wire {
VmStatus read_vm_status(const nlohmann::json& json, const std::string& path);  // throws
}  // namespace wire

}  // namespace hvo::agent
