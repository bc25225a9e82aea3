// GET /v1/host: who the host is and what it can take (the HyperVHost status is built from it).
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "hostagent/protocol/agent_result.h"

namespace hvo::agent {

struct HostResources {
  int64_t cpu = 0;  // logical processors
  int64_t memory_bytes = 0;
  int64_t storage_bytes = 0;
};

struct SwitchInfo {
  std::string name;
  std::string type;  // External | Internal | Private
};

struct ImageInfo {
  std::string name;
  int64_t size_bytes = 0;
};

// Whether the host accepts and sends live migrations (Hyper-V: Get-VMHost
// VirtualMachineMigrationEnabled, after Enable-VMMigration) and over which networks
// (Get-VMMigrationNetwork subnets; empty with UseAnyNetworkForMigration or when none is set).
struct MigrationInfo {
  bool enabled = false;
  std::vector<std::string> networks;  // "192.168.10.0/24"
  int64_t maximum_migrations = 0;     // simultaneous live migrations the host allows
};

struct HostInfo {
  std::string name;
  std::string agent_version;
  std::string os;
  std::string driver;  // "hyperv" | "sim"
  HostResources capacity;
  HostResources free;
  std::vector<std::string> capabilities;  // "secureBoot", "tpm", "nestedVirtualization", ...
  std::vector<SwitchInfo> switches;
  std::vector<ImageInfo> images;
  int64_t vm_count = 0;            // managed VMs
  int64_t unmanaged_vm_count = 0;  // VMs without our owner marker
  MigrationInfo migration;
  // inventory_digest() of GET /v1/vms at the time of this answer; empty when the agent could not
  // read its VMs (or predates it), which tells the poller to fetch the inventory anyway.
  std::string inventory_digest;
};

void to_json(nlohmann::json& json, const HostInfo& info);
AgentResult<HostInfo> parse_host_info(std::string_view body);

}  // namespace hvo::agent
