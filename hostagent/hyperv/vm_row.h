// One VM as the scripts describe it (a "row": Get-VM and its devices, flattened), turned into the
// agent's types: the VM's current configuration for the convergence planner, and its status for
// the inventory. The owner marker lives in the VM's Notes as lines the agent writes:
//   hyperv-operator-uid: <uid>
//   hyperv-operator-image: <base image>
//   hyperv-operator-generation: <metadata.generation of the last spec applied in full>
//   hyperv-operator-applied: <specHash> <configHash>[ <deferred field>,...]   (spec_hash.h)
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "hostagent/protocol/vm_spec.h"
#include "hostagent/protocol/vm_status.h"

namespace hvo::agent {

inline constexpr const char* kUidMarker = "hyperv-operator-uid: ";
inline constexpr const char* kImageMarker = "hyperv-operator-image: ";
inline constexpr const char* kGenerationMarker = "hyperv-operator-generation: ";
inline constexpr const char* kAppliedMarker = "hyperv-operator-applied: ";

// The value of a marker line in Notes, or nullopt.
std::optional<std::string> notes_marker(const std::string& notes, const char* marker);

// The configuration the convergence planner compares with the spec.
VmSpec vm_row_config(const nlohmann::json& row);
// The inventory entry; nullopt for a VM without our owner marker. The pending fields, applied
// spec hash and drift come from the applied record in Notes and the row's configuration.
std::optional<VmStatus> vm_row_status(const nlohmann::json& row, int64_t now_ms);

}  // namespace hvo::agent
