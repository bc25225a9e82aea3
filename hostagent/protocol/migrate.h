// POST /v1/vms/{uid}/migrate: live-migrate a managed VM to another host (Hyper-V Move-VM). The
// agent on the source runs it as an operation; the finished operation carries a MigrateResult,
// and while it runs the operation's progressPercent says how far the move got.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "hostagent/protocol/agent_result.h"

namespace hvo::agent {

struct MigrateRequest {
  // The destination as the source host reaches it: the Hyper-V host name (Move-VM
  // -DestinationHost); for the sim driver the name the destination agent registered.
  std::string destination_host;
  // Where the VM's files go on the destination (Move-VM -DestinationStoragePath); empty: the
  // destination's default virtual machine path. Only meaningful with include_storage.
  std::string destination_path;
  bool include_storage = true;  // shared-nothing: move the disks with the VM
};

struct MigrateResult {
  std::string destination_host;
  std::string vm_id;  // the same VM id on the destination
};

void to_json(nlohmann::json& json, const MigrateRequest& request);
void to_json(nlohmann::json& json, const MigrateResult& result);
// InvalidSpec for a missing or malformed destinationHost (1..253 of letters, digits, '.', '-'),
// a destinationPath with control characters or over 260 characters.
AgentResult<MigrateRequest> parse_migrate_request(std::string_view body);
MigrateResult read_migrate_result(const nlohmann::json& json, const std::string& path);

}  // namespace hvo::agent
