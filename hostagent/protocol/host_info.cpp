#include "hostagent/protocol/host_info.h"

#include <nlohmann/json.hpp>

#include "hostagent/protocol/json_fields.h"

namespace hvo::agent {
namespace {

nlohmann::json resources_json(const HostResources& r) {
  return {{"cpu", r.cpu}, {"memoryBytes", r.memory_bytes}, {"storageBytes", r.storage_bytes}};
}

HostResources read_resources(const wire::ObjectReader& parent, const char* key) {
  HostResources out;
  const auto* json = parent.child(key);
  if (json == nullptr)
    return out;
  wire::ObjectReader r(*json, parent.path_of(key));
  out.cpu = r.integer("cpu").value_or(0);
  out.memory_bytes = r.integer("memoryBytes").value_or(0);
  out.storage_bytes = r.integer("storageBytes").value_or(0);
  return out;
}

}  // namespace

void to_json(nlohmann::json& json, const HostInfo& info) {
  json = nlohmann::json::object();
  json["name"] = info.name;
  json["agentVersion"] = info.agent_version;
  json["os"] = info.os;
  json["driver"] = info.driver;
  json["capacity"] = resources_json(info.capacity);
  json["free"] = resources_json(info.free);
  json["capabilities"] = info.capabilities;
  json["switches"] = nlohmann::json::array();
  for (const auto& sw : info.switches) {
    json["switches"].push_back({{"name", sw.name}, {"type", sw.type}});
  }
  json["images"] = nlohmann::json::array();
  for (const auto& image : info.images) {
    json["images"].push_back({{"name", image.name}, {"sizeBytes", image.size_bytes}});
  }
  json["vmCount"] = info.vm_count;
  json["unmanagedVmCount"] = info.unmanaged_vm_count;
  if (!info.inventory_digest.empty())
    json["inventoryDigest"] = info.inventory_digest;
  json["migration"] = {{"enabled", info.migration.enabled},
                       {"networks", info.migration.networks},
                       {"maximumMigrations", info.migration.maximum_migrations}};
}

AgentResult<HostInfo> parse_host_info(std::string_view body) {
  return wire::parse_body<HostInfo>(body, "host info", [](const nlohmann::json& json) {
    wire::ObjectReader r(json, "");
    HostInfo info;
    info.name = r.string("name").value_or("");
    info.agent_version = r.string("agentVersion").value_or("");
    info.os = r.string("os").value_or("");
    info.driver = r.string("driver").value_or("");
    info.capacity = read_resources(r, "capacity");
    info.free = read_resources(r, "free");
    info.capabilities = r.string_list("capabilities");
    for (const auto& [item, path] : wire::array_items(r, "switches")) {
      wire::ObjectReader s(*item, path);
      info.switches.push_back({s.required_string("name"), s.string("type").value_or("")});
    }
    for (const auto& [item, path] : wire::array_items(r, "images")) {
      wire::ObjectReader i(*item, path);
      info.images.push_back({i.required_string("name"), i.integer("sizeBytes").value_or(0)});
    }
    info.vm_count = r.integer("vmCount").value_or(0);
    info.unmanaged_vm_count = r.integer("unmanagedVmCount").value_or(0);
    info.inventory_digest = r.string("inventoryDigest").value_or("");
    if (const auto* migration = r.child("migration")) {
      wire::ObjectReader m(*migration, "migration");
      info.migration.enabled = m.boolean("enabled").value_or(false);
      info.migration.networks = m.string_list("networks");
      info.migration.maximum_migrations = m.integer("maximumMigrations").value_or(0);
    }
    return info;
  });
}

}  // namespace hvo::agent
