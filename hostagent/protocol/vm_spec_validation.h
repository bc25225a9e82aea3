// Bounds and name rules for a desired VM, checked before any driver sees it. Names end up in file
// paths and Hyper-V objects, so they are held to strict character sets here; the hyperv driver
// still never splices them into script text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hostagent/protocol/agent_result.h"
#include "hostagent/protocol/vm_spec.h"

namespace hvo::agent {

inline constexpr int64_t kMiB = 1024 * 1024;
inline constexpr int64_t kGiB = 1024 * kMiB;
inline constexpr int64_t kTiB = 1024 * kGiB;

struct SpecLimits {
  int64_t max_cpu_count = 240;  // Hyper-V generation 2 maximum
  int64_t min_memory_bytes = 32 * kMiB;
  int64_t max_memory_bytes = 12 * kTiB;
  int64_t memory_alignment_bytes = 2 * kMiB;  // Hyper-V wants multiples of 2 MiB
  int64_t min_disk_bytes = 1 * kMiB;
  int64_t max_disk_bytes = 64 * kTiB;  // VHDX maximum
  int64_t disk_alignment_bytes = 1 * kMiB;
  std::size_t max_disks = 64;
  std::size_t max_networks = 12;
  std::size_t max_user_data_bytes = 1024 * 1024;
  std::size_t max_meta_data_bytes = 64 * 1024;
  std::size_t max_network_data_bytes = 64 * 1024;
};

// A Kubernetes object UID: 1..64 of [A-Za-z0-9-]. Used as file names, so nothing else.
bool is_valid_uid(std::string_view uid);
// RFC 1123 label: lower-case alphanumerics and '-', 1..63, alphanumeric at both ends.
bool is_dns_label(std::string_view text);
// RFC 1123 subdomain: dot-separated labels, at most 253 characters.
bool is_dns_subdomain(std::string_view text);
// Base image names: [A-Za-z0-9][A-Za-z0-9._-]{0,127}, no "..".
bool is_valid_image_name(std::string_view name);
// Virtual switch names as admins type them ("Default Switch", "External (LAN)"): 1..128
// printable ASCII characters without quotes, backslash or slash, no leading/trailing space.
bool is_valid_switch_name(std::string_view name);
// "00:15:5d:01:02:03", "00-15-5D-01-02-03" or "00155D010203" → "00155D010203"; nullopt when
// malformed or multicast (Hyper-V refuses multicast static MACs).
std::optional<std::string> normalize_mac(std::string_view mac);

// Checks every field and returns the spec with canonical spellings (MAC addresses), or
// InvalidSpec whose message lists every problem with its field path.
AgentResult<VmSpec> validate_vm_spec(VmSpec spec, const SpecLimits& limits = {});

}  // namespace hvo::agent
