#include "hostagent/protocol/migrate.h"

#include <nlohmann/json.hpp>

#include "hostagent/protocol/json_fields.h"

namespace hvo::agent {
namespace {

// A host name as DNS spells it (also a NetBIOS name): what Move-VM -DestinationHost takes. No
// spaces, quotes or path characters, so the name can never reach a script as anything but data.
bool valid_host_name(std::string_view name) {
  if (name.empty() || name.size() > 253 || name.front() == '.' || name.front() == '-')
    return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-';
    if (!ok)
      return false;
  }
  return true;
}

bool has_control_character(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return true;
  }
  return false;
}

}  // namespace

void to_json(nlohmann::json& json, const MigrateRequest& request) {
  json = {{"destinationHost", request.destination_host},
          {"destinationPath", request.destination_path},
          {"includeStorage", request.include_storage}};
}

void to_json(nlohmann::json& json, const MigrateResult& result) {
  json = {{"destinationHost", result.destination_host}, {"vmId", result.vm_id}};
}

AgentResult<MigrateRequest> parse_migrate_request(std::string_view body) {
  return wire::parse_body<MigrateRequest>(body, "migrate request", [](const nlohmann::json& json) {
    wire::ObjectReader r(json, "");
    MigrateRequest request;
    request.destination_host = r.required_string("destinationHost");
    if (!valid_host_name(request.destination_host)) {
      throw wire::FieldError("destinationHost",
                             "must be a host name (letters, digits, '.' and '-', at most 253)");
    }
    request.destination_path = r.string("destinationPath").value_or("");
    if (request.destination_path.size() > 260 || has_control_character(request.destination_path)) {
      throw wire::FieldError("destinationPath",
                             "must be a path of at most 260 characters without control characters");
    }
    request.include_storage = r.boolean("includeStorage").value_or(true);
    return request;
  });
}

MigrateResult read_migrate_result(const nlohmann::json& json, const std::string& path) {
  wire::ObjectReader r(json, path);
  MigrateResult result;
  result.destination_host = r.string("destinationHost").value_or("");
  result.vm_id = r.string("vmId").value_or("");
  return result;
}

}  // namespace hvo::agent
