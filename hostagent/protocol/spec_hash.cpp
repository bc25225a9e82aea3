#include "hostagent/protocol/spec_hash.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <sstream>

#include "hostagent/protocol/fnv1a.h"

namespace hvo::agent {
namespace {

bool is_hash(const std::string& text) {
  return text.size() == 16 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool is_field_name(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '[' || c == ']' ||
           c == '-' || c == '_';
  });
}

}  // namespace

std::string spec_hash(const VmSpec& spec) {
  nlohmann::json json = spec;
  // Bookkeeping that changes nothing on the VM's configuration.
  for (const char* key : {"power", "shutdownTimeoutSeconds", "objectGeneration"})
    json.erase(key);
  Fnv1a hash;
  hash.add(json.dump());  // objects dump with sorted keys: the same spec, the same text
  return hash.hex();
}

// Only what the host reports back the same way it was set: a dynamic MAC is the host's choice
// (and appears on first start), so only a static one counts; NICs and disks are by name.
std::string config_hash(const VmSpec& config) {
  Fnv1a hash;
  const auto& cpu = config.cpu;
  for (int64_t value :
       {config.generation, cpu.count, cpu.reserve_percent, cpu.limit_percent, cpu.weight,
        static_cast<int64_t>(cpu.expose_virtualization_extensions), config.memory.startup_bytes})
    hash.add(std::to_string(value));
  if (cpu.compatibility_for_migration)  // only when on: hashes of other VMs stay as they were
    hash.add("compatibilityForMigration");
  if (const auto& dynamic = config.memory.dynamic) {
    for (int64_t value : {dynamic->minimum_bytes, dynamic->maximum_bytes, dynamic->buffer_percent})
      hash.add(std::to_string(value));
  }
  hash.add(config.firmware.secure_boot ? "secureBoot" : "");
  hash.add(config.firmware.tpm ? "tpm" : "");
  auto nics = config.networks;
  std::sort(nics.begin(), nics.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  for (const auto& nic : nics) {
    hash.add("nic:" + nic.name);
    hash.add(nic.switch_name);
    hash.add(nic.vlan_id ? std::to_string(*nic.vlan_id) : "");
    hash.add(nic.mac_address);
  }
  auto disks = config.disks;
  std::sort(disks.begin(), disks.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  for (const auto& disk : disks) {
    hash.add("disk:" + disk.name);
    hash.add(std::to_string(disk.size_bytes));
  }
  return hash.hex();
}

std::string encode_applied_record(const AppliedRecord& record) {
  std::string text = record.spec_hash + " " + record.config_hash;
  for (std::size_t i = 0; i < record.deferred.size(); ++i)
    text += (i == 0 ? " " : ",") + record.deferred[i];
  return text;
}

std::optional<AppliedRecord> parse_applied_record(const std::string& text) {
  std::istringstream words(text);
  AppliedRecord record;
  std::string deferred;
  if (!(words >> record.spec_hash >> record.config_hash) || !is_hash(record.spec_hash) ||
      !is_hash(record.config_hash))
    return std::nullopt;
  std::string extra;
  if ((words >> deferred) && (words >> extra))
    return std::nullopt;  // a third word: not a line this agent wrote
  std::istringstream fields(deferred);
  std::string field;
  while (std::getline(fields, field, ',')) {
    if (!is_field_name(field))
      return std::nullopt;
    record.deferred.push_back(field);
  }
  return record;
}

}  // namespace hvo::agent
