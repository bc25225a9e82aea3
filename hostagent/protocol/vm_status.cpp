#include "hostagent/protocol/vm_status.h"

#include <array>
#include <nlohmann/json.hpp>
#include <utility>

#include "hostagent/protocol/json_fields.h"

namespace hvo::agent {
namespace {

constexpr std::array<std::pair<VmState, const char*>, 7> kStates{{
    {VmState::kOff, "Off"},
    {VmState::kStarting, "Starting"},
    {VmState::kRunning, "Running"},
    {VmState::kStopping, "Stopping"},
    {VmState::kSaved, "Saved"},
    {VmState::kPaused, "Paused"},
    {VmState::kOther, "Other"},
}};

}  // namespace

const char* to_string(VmState state) {
  for (const auto& [value, name] : kStates) {
    if (value == state)
      return name;
  }
  return "Other";
}

VmState parse_vm_state(std::string_view text) {
  for (const auto& [value, name] : kStates) {
    if (text == name)
      return value;
  }
  return VmState::kOther;
}

void to_json(nlohmann::json& json, const VmStatus& s) {
  json = nlohmann::json::object();
  json["uid"] = s.uid;
  json["vmId"] = s.vm_id;
  json["name"] = s.name;
  json["state"] = to_string(s.state);
  json["rawState"] = s.raw_state;
  json["generation"] = s.generation;
  json["cpuCount"] = s.cpu_count;
  json["memoryStartupBytes"] = s.memory_startup_bytes;
  json["memoryAssignedBytes"] = s.memory_assigned_bytes;
  json["dynamicMemoryEnabled"] = s.dynamic_memory_enabled;
  json["uptimeSeconds"] = s.uptime_seconds;
  json["ipAddresses"] = s.ip_addresses;
  json["nics"] = nlohmann::json::array();
  for (const auto& nic : s.nics) {
    nlohmann::json item{{"name", nic.name},
                        {"switch", nic.switch_name},
                        {"macAddress", nic.mac_address},
                        {"ipAddresses", nic.ip_addresses}};
    if (nic.vlan_id)
      item["vlanId"] = *nic.vlan_id;
    json["nics"].push_back(std::move(item));
  }
  json["disks"] = nlohmann::json::array();
  for (const auto& disk : s.disks) {
    json["disks"].push_back(
        {{"name", disk.name}, {"path", disk.path}, {"sizeBytes", disk.size_bytes}});
  }
  json["dvdPath"] = s.dvd_path;
  json["objectGeneration"] = s.object_generation;
  json["restartRequired"] = s.restart_required();
  json["restartRequiredFields"] = s.restart_required_fields;
  json["appliedSpecHash"] = s.applied_spec_hash;
  json["configDrift"] = s.config_drift;
  if (!s.error.empty())
    json["error"] = s.error;
}

void to_json(nlohmann::json& json, const Inventory& inventory) {
  json = nlohmann::json{{"vms", inventory.vms}, {"unmanagedCount", inventory.unmanaged_count}};
  if (!inventory.digest.empty())
    json["digest"] = inventory.digest;
}

namespace wire {

VmStatus read_vm_status(const nlohmann::json& json, const std::string& path) {
  ObjectReader r(json, path);
  VmStatus s;
  s.uid = r.required_string("uid");
  s.vm_id = r.string("vmId").value_or("");
  s.name = r.string("name").value_or("");
  s.raw_state = r.string("rawState").value_or("");
  s.state = parse_vm_state(r.string("state").value_or("Other"));
  s.generation = r.integer("generation").value_or(2);
  s.cpu_count = r.integer("cpuCount").value_or(0);
  s.memory_startup_bytes = r.integer("memoryStartupBytes").value_or(0);
  s.memory_assigned_bytes = r.integer("memoryAssignedBytes").value_or(0);
  s.dynamic_memory_enabled = r.boolean("dynamicMemoryEnabled").value_or(false);
  s.uptime_seconds = r.integer("uptimeSeconds").value_or(0);
  s.ip_addresses = r.string_list("ipAddresses");
  for (const auto& [item, item_path] : array_items(r, "nics")) {
    ObjectReader n(*item, item_path);
    NicStatus nic;
    nic.name = n.string("name").value_or("");
    nic.switch_name = n.string("switch").value_or("");
    nic.mac_address = n.string("macAddress").value_or("");
    nic.vlan_id = n.integer("vlanId");
    nic.ip_addresses = n.string_list("ipAddresses");
    s.nics.push_back(std::move(nic));
  }
  for (const auto& [item, item_path] : array_items(r, "disks")) {
    ObjectReader d(*item, item_path);
    s.disks.push_back(DiskStatus{d.string("name").value_or(""), d.string("path").value_or(""),
                                 d.integer("sizeBytes").value_or(0)});
  }
  s.dvd_path = r.string("dvdPath").value_or("");
  s.object_generation = r.integer("objectGeneration").value_or(0);
  s.restart_required_fields = r.string_list("restartRequiredFields");
  s.applied_spec_hash = r.string("appliedSpecHash").value_or("");
  s.config_drift = r.boolean("configDrift").value_or(false);
  s.error = r.string("error").value_or("");
  return s;
}

}  // namespace wire

AgentResult<Inventory> parse_inventory(std::string_view body) {
  return wire::parse_body<Inventory>(body, "inventory", [](const nlohmann::json& json) {
    wire::ObjectReader r(json, "");
    Inventory inventory;
    for (const auto& [item, path] : wire::array_items(r, "vms")) {
      inventory.vms.push_back(wire::read_vm_status(*item, path));
    }
    inventory.unmanaged_count = r.integer("unmanagedCount").value_or(0);
    inventory.digest = r.string("digest").value_or("");
    return inventory;
  });
}

}  // namespace hvo::agent
