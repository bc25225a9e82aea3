// Fingerprints of a VM's configuration that let the agent and the operator tell, without keeping
// the whole spec, whether a VM holds what was last asked of it:
//   spec_hash    of the desired spec the operator sends (PUT /v1/vms/{uid}). The agent records
//                the hash of the last spec it applied and reports it (appliedSpecHash); the
//                operator compares it with the hash of the spec it wants now and re-ensures on
//                a difference. Power intent, shutdown timeout and metadata.generation are left
//                out: they change nothing on the VM's configuration.
//   config_hash  of a VM's configuration as the host reports it (the view the convergence
//                planner compares). The agent records it after each ensure; a later read that
//                hashes differently was edited by hand (configDrift).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hostagent/protocol/vm_spec.h"

namespace hvo::agent {

std::string spec_hash(const VmSpec& spec);
std::string config_hash(const VmSpec& config);

// What the agent records on the VM after each ensure (hyperv: a line in Notes next to the owner
// marker; sim: its state file): the spec's hash, the configuration's hash, and the spec fields
// deferred until the VM is off. Read back on every GET and inventory.
struct AppliedRecord {
  std::string spec_hash;
  std::string config_hash;
  std::vector<std::string> deferred;
};

// "<specHash> <configHash>[ <field>,<field>...]": field names carry no spaces or commas.
std::string encode_applied_record(const AppliedRecord& record);
// nullopt for text that is not a record (hand-edited Notes: treated as never applied).
std::optional<AppliedRecord> parse_applied_record(const std::string& text);

}  // namespace hvo::agent
