#include "hostagent/hyperv/vm_row.h"

#include <cstdlib>
#include <sstream>

#include "hostagent/hyperv/ps_json.h"
#include "hostagent/protocol/spec_hash.h"
#include "hostagent/protocol/vm_spec_validation.h"

namespace hvo::agent {
namespace {

bool ps_bool(const nlohmann::json& row, const char* key) {
  if (!row.contains(key))
    return false;
  const auto& value = row[key];
  if (value.is_boolean())
    return value.get<bool>();
  if (value.is_number_integer())
    return value.get<int64_t>() == 0;  // OnOffState: 0 On, 1 Off
  if (value.is_string())
    return value.get<std::string>() == "On" || value.get<std::string>() == "True";
  return false;
}

std::string canonical_mac(const std::string& mac) {
  auto normalized = normalize_mac(mac);
  return normalized ? *normalized : mac;
}

std::vector<std::string> string_list(const nlohmann::json& row, const char* key) {
  std::vector<std::string> out;
  for (const auto& item : ps_list(row, key)) {
    if (item.is_string())
      out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace

std::optional<std::string> notes_marker(const std::string& notes, const char* marker) {
  std::istringstream lines(notes);
  std::string line;
  const std::string prefix(marker);
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (line.rfind(prefix, 0) == 0)
      return line.substr(prefix.size());
  }
  return std::nullopt;
}

VmSpec vm_row_config(const nlohmann::json& row) {
  VmSpec config;
  const std::string notes = ps_string(row, "notes");
  config.uid = notes_marker(notes, kUidMarker).value_or("");
  config.image = notes_marker(notes, kImageMarker).value_or("");
  config.generation = ps_int(row, "generation", 2);
  config.cpu.count = ps_int(row, "processorCount", 1);
  config.cpu.reserve_percent = ps_int(row, "cpuReserve", 0);
  config.cpu.limit_percent = ps_int(row, "cpuLimit", 100);
  config.cpu.weight = ps_int(row, "cpuWeight", 100);
  config.cpu.expose_virtualization_extensions = row.value("exposeVirtualizationExtensions", false);
  config.cpu.compatibility_for_migration = row.value("compatibilityForMigration", false);
  config.memory.startup_bytes = ps_int(row, "memoryStartupBytes");
  if (row.value("dynamicMemoryEnabled", false)) {
    config.memory.dynamic =
        DynamicMemorySpec{ps_int(row, "memoryMinimumBytes"), ps_int(row, "memoryMaximumBytes"),
                          ps_int(row, "memoryBuffer", 20)};
  }
  config.firmware.secure_boot = ps_bool(row, "secureBoot");
  config.firmware.secure_boot_template = ps_string(row, "secureBootTemplate");
  config.firmware.tpm = row.value("tpm", false);
  for (const auto& nic : ps_list(row, "nics")) {
    NetworkSpec net;
    net.name = ps_string(nic, "name");
    net.switch_name = ps_string(nic, "switchName");
    const int64_t vlan = ps_int(nic, "vlanId", 0);
    if (vlan > 0)
      net.vlan_id = vlan;
    if (!nic.value("dynamicMacAddress", true))
      net.mac_address = canonical_mac(ps_string(nic, "macAddress"));
    config.networks.push_back(std::move(net));
  }
  for (const auto& disk : ps_list(row, "disks")) {
    config.disks.push_back(
        {ps_string(disk, "name"), ps_int(disk, "sizeBytes"),
         disk.value("differencing", false) ? DiskSource::kImage : DiskSource::kBlank});
  }
  return config;
}

std::optional<VmStatus> vm_row_status(const nlohmann::json& row, int64_t now_ms) {
  const std::string notes = ps_string(row, "notes");
  const auto uid = notes_marker(notes, kUidMarker);
  if (!uid)
    return std::nullopt;
  VmStatus s;
  s.uid = *uid;
  s.vm_id = ps_string(row, "vmId");
  s.name = ps_string(row, "name");
  s.state = ps_vm_state(row.contains("state") ? row["state"] : nlohmann::json(), s.raw_state);
  s.generation = ps_int(row, "generation", 2);
  s.cpu_count = ps_int(row, "processorCount", 0);
  s.memory_startup_bytes = ps_int(row, "memoryStartupBytes");
  s.memory_assigned_bytes = ps_int(row, "memoryAssignedBytes");
  s.dynamic_memory_enabled = row.value("dynamicMemoryEnabled", false);
  if (row.contains("uptimeSeconds")) {
    s.uptime_seconds = ps_seconds(row["uptimeSeconds"]).value_or(0);
  } else if (row.contains("uptime")) {
    s.uptime_seconds = ps_seconds(row["uptime"]).value_or(0);
  } else if (row.contains("startedAt")) {
    const auto started = ps_time_ms(row["startedAt"]);
    if (started && *started <= now_ms)
      s.uptime_seconds = (now_ms - *started) / 1000;
  }
  for (const auto& nic : ps_list(row, "nics")) {
    NicStatus n;
    n.name = ps_string(nic, "name");
    n.switch_name = ps_string(nic, "switchName");
    n.mac_address = canonical_mac(ps_string(nic, "macAddress"));
    const int64_t vlan = ps_int(nic, "vlanId", 0);
    if (vlan > 0)
      n.vlan_id = vlan;
    n.ip_addresses = string_list(nic, "ipAddresses");
    s.ip_addresses.insert(s.ip_addresses.end(), n.ip_addresses.begin(), n.ip_addresses.end());
    s.nics.push_back(std::move(n));
  }
  for (const auto& disk : ps_list(row, "disks")) {
    s.disks.push_back(
        {ps_string(disk, "name"), ps_string(disk, "path"), ps_int(disk, "sizeBytes")});
  }
  s.dvd_path = ps_string(row, "dvdPath");
  s.error = ps_string(row, "error");
  const auto generation = notes_marker(notes, kGenerationMarker);
  s.object_generation = generation ? std::atoll(generation->c_str()) : 0;
  // A VM never marked (created by an older agent, or a crash before the mark) or with a record
  // a person edited reports no hash: the operator's next ensure records one.
  const auto applied = notes_marker(notes, kAppliedMarker);
  const auto record = applied ? parse_applied_record(*applied) : std::nullopt;
  if (record && s.error.empty()) {
    s.applied_spec_hash = record->spec_hash;
    s.restart_required_fields = record->deferred;
    s.config_drift = config_hash(vm_row_config(row)) != record->config_hash;
  }
  return s;
}

}  // namespace hvo::agent
