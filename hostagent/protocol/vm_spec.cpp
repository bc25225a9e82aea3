#include "hostagent/protocol/vm_spec.h"

#include <nlohmann/json.hpp>
#include <tuple>

#include "hostagent/protocol/json_fields.h"

namespace hvo::agent {

const char* to_string(PowerIntent intent) {
  switch (intent) {
    case PowerIntent::kRunning:
      return "Running";
    case PowerIntent::kOff:
      return "Off";
    case PowerIntent::kUnchanged:
      return "Unchanged";
  }
  return "Unchanged";
}

std::optional<PowerIntent> parse_power_intent(std::string_view text) {
  if (text == "Running")
    return PowerIntent::kRunning;
  if (text == "Off")
    return PowerIntent::kOff;
  if (text == "Unchanged")
    return PowerIntent::kUnchanged;
  return std::nullopt;
}

const char* to_string(DiskSource source) {
  return source == DiskSource::kImage ? "image" : "blank";
}

std::optional<DiskSource> parse_disk_source(std::string_view text) {
  if (text == "image")
    return DiskSource::kImage;
  if (text == "blank")
    return DiskSource::kBlank;
  return std::nullopt;
}

bool CpuSpec::operator==(const CpuSpec& o) const {
  return std::tie(count, reserve_percent, limit_percent, weight, expose_virtualization_extensions,
                  compatibility_for_migration) ==
         std::tie(o.count, o.reserve_percent, o.limit_percent, o.weight,
                  o.expose_virtualization_extensions, o.compatibility_for_migration);
}

bool DynamicMemorySpec::operator==(const DynamicMemorySpec& o) const {
  return std::tie(minimum_bytes, maximum_bytes, buffer_percent) ==
         std::tie(o.minimum_bytes, o.maximum_bytes, o.buffer_percent);
}

bool MemorySpec::operator==(const MemorySpec& o) const {
  return startup_bytes == o.startup_bytes && dynamic == o.dynamic;
}

bool FirmwareSpec::operator==(const FirmwareSpec& o) const {
  return std::tie(secure_boot, secure_boot_template, tpm) ==
         std::tie(o.secure_boot, o.secure_boot_template, o.tpm);
}

bool DiskSpec::operator==(const DiskSpec& o) const {
  return std::tie(name, size_bytes, source) == std::tie(o.name, o.size_bytes, o.source);
}

bool NetworkSpec::operator==(const NetworkSpec& o) const {
  return std::tie(name, switch_name, vlan_id, mac_address) ==
         std::tie(o.name, o.switch_name, o.vlan_id, o.mac_address);
}

bool CloudInitSpec::operator==(const CloudInitSpec& o) const {
  return std::tie(user_data, meta_data, network_data) ==
         std::tie(o.user_data, o.meta_data, o.network_data);
}

std::string VmSpec::host_vm_name() const {
  const std::string full = namespace_ + "." + name;
  if (full.size() <= kMaxHostVmName)
    return full;
  const std::string suffix = "~" + uid.substr(0, 8);
  return full.substr(0, kMaxHostVmName - suffix.size()) + suffix;
}

void to_json(nlohmann::json& json, const VmSpec& spec) {
  json = nlohmann::json::object();
  json["uid"] = spec.uid;
  json["name"] = spec.name;
  json["namespace"] = spec.namespace_;
  json["objectGeneration"] = spec.object_generation;
  json["generation"] = spec.generation;
  json["cpu"] = {{"count", spec.cpu.count},
                 {"reservePercent", spec.cpu.reserve_percent},
                 {"limitPercent", spec.cpu.limit_percent},
                 {"weight", spec.cpu.weight},
                 {"exposeVirtualizationExtensions", spec.cpu.expose_virtualization_extensions}};
  // Written only when on, so the specs (and spec hashes) of VMs without it stay as they were.
  if (spec.cpu.compatibility_for_migration)
    json["cpu"]["compatibilityForMigration"] = true;
  json["memory"] = {{"startupBytes", spec.memory.startup_bytes}};
  if (spec.memory.dynamic) {
    json["memory"]["dynamic"] = {{"minimumBytes", spec.memory.dynamic->minimum_bytes},
                                 {"maximumBytes", spec.memory.dynamic->maximum_bytes},
                                 {"bufferPercent", spec.memory.dynamic->buffer_percent}};
  }
  json["firmware"] = {{"secureBoot", spec.firmware.secure_boot},
                      {"secureBootTemplate", spec.firmware.secure_boot_template},
                      {"tpm", spec.firmware.tpm}};
  json["image"] = spec.image;
  json["disks"] = nlohmann::json::array();
  for (const auto& disk : spec.disks) {
    json["disks"].push_back(
        {{"name", disk.name}, {"sizeBytes", disk.size_bytes}, {"source", to_string(disk.source)}});
  }
  json["networks"] = nlohmann::json::array();
  for (const auto& net : spec.networks) {
    nlohmann::json item{{"name", net.name}, {"switch", net.switch_name}};
    if (net.vlan_id)
      item["vlanId"] = *net.vlan_id;
    if (!net.mac_address.empty())
      item["macAddress"] = net.mac_address;
    json["networks"].push_back(std::move(item));
  }
  if (spec.cloud_init) {
    json["cloudInit"] = {{"userData", spec.cloud_init->user_data},
                         {"metaData", spec.cloud_init->meta_data},
                         {"networkData", spec.cloud_init->network_data}};
  }
  json["power"] = to_string(spec.power);
  json["shutdownTimeoutSeconds"] = spec.shutdown_timeout_seconds;
}

namespace wire {
namespace {

CpuSpec read_cpu(const ObjectReader& parent) {
  CpuSpec cpu;
  const auto* json = parent.child("cpu");
  if (json == nullptr)
    throw FieldError(parent.path_of("cpu"), "required");
  ObjectReader r(*json, parent.path_of("cpu"));
  cpu.count = r.required_integer("count");
  cpu.reserve_percent = r.integer("reservePercent").value_or(cpu.reserve_percent);
  cpu.limit_percent = r.integer("limitPercent").value_or(cpu.limit_percent);
  cpu.weight = r.integer("weight").value_or(cpu.weight);
  cpu.expose_virtualization_extensions =
      r.boolean("exposeVirtualizationExtensions").value_or(false);
  cpu.compatibility_for_migration = r.boolean("compatibilityForMigration").value_or(false);
  return cpu;
}

MemorySpec read_memory(const ObjectReader& parent) {
  MemorySpec memory;
  const auto* json = parent.child("memory");
  if (json == nullptr)
    throw FieldError(parent.path_of("memory"), "required");
  ObjectReader r(*json, parent.path_of("memory"));
  memory.startup_bytes = r.required_integer("startupBytes");
  if (const auto* dynamic = r.child("dynamic")) {
    ObjectReader d(*dynamic, r.path_of("dynamic"));
    DynamicMemorySpec spec;
    spec.minimum_bytes = d.required_integer("minimumBytes");
    spec.maximum_bytes = d.required_integer("maximumBytes");
    spec.buffer_percent = d.integer("bufferPercent").value_or(spec.buffer_percent);
    memory.dynamic = spec;
  }
  return memory;
}

FirmwareSpec read_firmware(const ObjectReader& parent) {
  FirmwareSpec firmware;
  const auto* json = parent.child("firmware");
  if (json == nullptr)
    return firmware;
  ObjectReader r(*json, parent.path_of("firmware"));
  firmware.secure_boot = r.boolean("secureBoot").value_or(false);
  firmware.secure_boot_template = r.string("secureBootTemplate").value_or("");
  firmware.tpm = r.boolean("tpm").value_or(false);
  return firmware;
}

std::vector<DiskSpec> read_disks(const ObjectReader& parent) {
  std::vector<DiskSpec> disks;
  for (const auto& [item, path] : array_items(parent, "disks")) {
    ObjectReader r(*item, path);
    DiskSpec disk;
    disk.name = r.required_string("name");
    disk.size_bytes = r.integer("sizeBytes").value_or(0);
    const auto source_text = r.string("source").value_or("blank");
    const auto source = parse_disk_source(source_text);
    if (!source)
      throw FieldError(r.path_of("source"), "must be image or blank");
    disk.source = *source;
    disks.push_back(std::move(disk));
  }
  return disks;
}

std::vector<NetworkSpec> read_networks(const ObjectReader& parent) {
  std::vector<NetworkSpec> networks;
  for (const auto& [item, path] : array_items(parent, "networks")) {
    ObjectReader r(*item, path);
    NetworkSpec net;
    net.name = r.required_string("name");
    net.switch_name = r.required_string("switch");
    net.vlan_id = r.integer("vlanId");
    net.mac_address = r.string("macAddress").value_or("");
    networks.push_back(std::move(net));
  }
  return networks;
}

std::optional<CloudInitSpec> read_cloud_init(const ObjectReader& parent) {
  const auto* json = parent.child("cloudInit");
  if (json == nullptr)
    return std::nullopt;
  ObjectReader r(*json, parent.path_of("cloudInit"));
  CloudInitSpec cloud_init;
  cloud_init.user_data = r.string("userData").value_or("");
  cloud_init.meta_data = r.string("metaData").value_or("");
  cloud_init.network_data = r.string("networkData").value_or("");
  return cloud_init;
}

}  // namespace

VmSpec read_vm_spec(const nlohmann::json& json, const std::string& path) {
  ObjectReader r(json, path);
  VmSpec spec;
  spec.uid = r.required_string("uid");
  spec.name = r.required_string("name");
  spec.namespace_ = r.required_string("namespace");
  spec.object_generation = r.integer("objectGeneration").value_or(0);
  spec.generation = r.integer("generation").value_or(spec.generation);
  spec.cpu = read_cpu(r);
  spec.memory = read_memory(r);
  spec.firmware = read_firmware(r);
  spec.image = r.string("image").value_or("");
  spec.disks = read_disks(r);
  spec.networks = read_networks(r);
  spec.cloud_init = read_cloud_init(r);
  const auto power_text = r.string("power").value_or("Running");
  const auto power = parse_power_intent(power_text);
  if (!power)
    throw FieldError(r.path_of("power"), "must be Running, Off or Unchanged");
  spec.power = *power;
  spec.shutdown_timeout_seconds =
      r.integer("shutdownTimeoutSeconds").value_or(spec.shutdown_timeout_seconds);
  if (spec.shutdown_timeout_seconds < 0 || spec.shutdown_timeout_seconds > 3600)
    throw FieldError(r.path_of("shutdownTimeoutSeconds"), "must be 0..3600");
  return spec;
}

}  // namespace wire

AgentResult<VmSpec> parse_vm_spec(std::string_view body) {
  return wire::parse_body<VmSpec>(
      body, "VM spec", [](const nlohmann::json& json) { return wire::read_vm_spec(json, ""); });
}

}  // namespace hvo::agent
