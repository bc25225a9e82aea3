#include "hostagent/hyperv/usage_row.h"

#include <algorithm>

#include "hostagent/hyperv/ps_json.h"
#include "hostagent/hyperv/vm_row.h"

namespace hvo::agent {
namespace {

double ps_number(const nlohmann::json& row, const char* key) {
  const auto found = row.find(key);
  return found != row.end() && found->is_number() ? found->get<double>() : 0.0;
}

}  // namespace

std::optional<VmUsage> usage_row(const nlohmann::json& row) {
  if (!row.is_object() || !ps_string(row, "error").empty())
    return std::nullopt;
  const auto uid = notes_marker(ps_string(row, "notes"), kUidMarker);
  if (!uid || uid->empty())
    return std::nullopt;
  VmUsage usage;
  usage.uid = *uid;
  const std::string host_name = ps_string(row, "name");
  const auto dot = host_name.find('.');
  if (dot != std::string::npos && dot > 0) {
    usage.ns = host_name.substr(0, dot);
    usage.name = host_name.substr(dot + 1);
  }
  usage.cpu_seconds = std::max(0.0, ps_number(row, "cpuSeconds"));
  usage.memory_assigned_bytes = ps_int(row, "memoryAssignedBytes");
  usage.disk_read_bytes = ps_int(row, "diskReadBytes");
  usage.disk_write_bytes = ps_int(row, "diskWriteBytes");
  usage.network_rx_bytes = ps_int(row, "networkRxBytes");
  usage.network_tx_bytes = ps_int(row, "networkTxBytes");
  return usage;
}

}  // namespace hvo::agent
