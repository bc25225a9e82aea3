#include "hostagent/hyperv/hyperv_driver.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "hostagent/driver/convergence.h"
#include "hostagent/hyperv/ps_json.h"
#include "hostagent/hyperv/vm_row.h"
#include "hostagent/util/wall_clock.h"

namespace hvo::agent {
namespace {

using nlohmann::json;

AgentResult<json> run_json(ScriptRunner& runner, Script script, const json& input) {
  auto text = runner.run(script, input.dump());
  if (!text.ok())
    return text.error();
  auto parsed = json::parse(text.value(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return make_error(AgentErrorCode::kDriverError,
                      std::string("script ") + script_name(script) + " returned invalid JSON",
                      text.value().substr(0, 2000));
  }
  return parsed;
}

// The inventory script's rows, filtered to one uid when given (the script compares the marker
// line as data; the agent re-checks it here).
AgentResult<json> inventory_rows(ScriptRunner& runner, const std::string& uid) {
  json input = json::object();
  if (!uid.empty())
    input["uid"] = uid;
  auto result = run_json(runner, Script::kInventory, input);
  if (!result.ok())
    return result.error();
  json rows = json::array();
  for (const auto& row : ps_list(*result, "vms")) {
    const auto marker = notes_marker(ps_string(row, "notes"), kUidMarker);
    if (marker && (uid.empty() || *marker == uid))
      rows.push_back(row);
  }
  json out = {{"vms", rows}, {"unmanagedCount", ps_int(*result, "unmanagedCount")}};
  return out;
}

AgentResult<std::optional<json>> find_row(ScriptRunner& runner, const std::string& uid) {
  auto rows = inventory_rows(runner, uid);
  if (!rows.ok())
    return rows.error();
  const auto& vms = (*rows)["vms"];
  if (vms.empty())
    return std::optional<json>();
  if (vms.size() > 1) {
    return make_error(AgentErrorCode::kConflict, "more than one VM carries the owner marker of " +
                                                     uid + "; remove the duplicate by hand");
  }
  return std::optional<json>(vms[0]);
}

json spec_input(const VmSpec& spec) {
  json j = spec;
  j.erase("cloudInit");  // user-data goes in the seed ISO, never to PowerShell
  return j;
}

ErrorBody unmanaged_row(const std::string& uid) {
  return make_error(AgentErrorCode::kDriverError,
                    "the VM of " + uid + " lost its owner marker during the call");
}

}  // namespace

AgentResult<HostInfo> HypervDriver::host_info() {
  auto result = run_json(*runner_, Script::kHostInfo,
                         {{"vmDir", paths_.vm_dir}, {"imageDir", paths_.image_dir}});
  if (!result.ok())
    return result.error();
  const json& r = result.value();
  HostInfo info;
  info.name = ps_string(r, "name");
  info.agent_version = HVO_VERSION;
  info.os = ps_string(r, "os");
  info.driver = name();
  info.capacity = {ps_int(r, "logicalProcessorCount"), ps_int(r, "memoryCapacityBytes"),
                   ps_int(r, "storageCapacityBytes")};
  info.free = {std::max<int64_t>(0, info.capacity.cpu - ps_int(r, "allocatedCpu")),
               ps_int(r, "freeMemoryBytes"), ps_int(r, "storageFreeBytes")};
  info.capabilities = {"dynamicMemory", "hotAddNetworkAdapter", "secureBoot"};
  if (r.value("nestedVirtualization", false))
    info.capabilities.push_back("nestedVirtualization");
  if (r.value("tpm", false))
    info.capabilities.push_back("tpm");
  for (const auto& sw : ps_list(r, "switches")) {
    info.switches.push_back(
        {ps_string(sw, "name"),
         ps_switch_type(sw.contains("switchType") ? sw["switchType"] : json())});
  }
  for (const auto& image : ps_list(r, "images")) {
    info.images.push_back({ps_string(image, "name"), ps_int(image, "sizeBytes")});
  }
  info.vm_count = ps_int(r, "managedVmCount");
  info.unmanaged_vm_count = ps_int(r, "unmanagedVmCount");
  return info;
}

AgentResult<Inventory> HypervDriver::inventory() {
  auto rows = inventory_rows(*runner_, "");
  if (!rows.ok())
    return rows.error();
  Inventory inventory;
  const int64_t now = wall_clock_ms();
  for (const auto& row : (*rows)["vms"]) {
    if (auto status = vm_row_status(row, now))
      inventory.vms.push_back(std::move(*status));
  }
  inventory.unmanaged_count = (*rows)["unmanagedCount"].get<int64_t>();
  return inventory;
}

AgentResult<EnsureResult> HypervDriver::ensure(const VmSpec& spec,
                                               const std::string& seed_iso_path) {
  // Step 1: find the VM by its marker, or create it bare (New-VM, marker in Notes). After a
  // crash anywhere later, this step finds the VM again instead of making a second one.
  json switches = json::array();
  for (const auto& net : spec.networks)
    switches.push_back(net.switch_name);
  auto created = run_json(*runner_, Script::kEnsure,
                          {{"phase", "create"},
                           {"spec", spec_input(spec)},
                           {"switches", switches},
                           {"vmDir", paths_.vm_dir},
                           {"imageDir", paths_.image_dir}});
  if (!created.ok())
    return created.error();
  const json& row = created->contains("vm") ? (*created)["vm"] : json::object();
  const VmSpec current = vm_row_config(row);
  if (current.uid != spec.uid)
    return unmanaged_row(spec.uid);
  std::string raw_state;
  const bool off = ps_vm_state(row.value("state", json("Other")), raw_state) == VmState::kOff;

  // Step 2: converge what can change now; the rest waits for the VM to be off.
  const ConvergencePlan plan = plan_convergence(spec, current, off);
  auto applied = run_json(*runner_, Script::kEnsure,
                          {{"phase", "apply"},
                           {"vmId", ps_string(row, "vmId")},
                           {"spec", spec_input(spec)},
                           {"fields", plan.apply_now},
                           {"seedIso", seed_iso_path},
                           {"power", to_string(spec.power)},
                           {"vmDir", paths_.vm_dir},
                           {"imageDir", paths_.image_dir}});
  if (!applied.ok())
    return applied.error();
  auto status =
      vm_row_status(applied->contains("vm") ? (*applied)["vm"] : json::object(), wall_clock_ms());
  if (!status)
    return unmanaged_row(spec.uid);
  status->restart_required_fields = plan.restart_required;

  EnsureResult result;
  result.vm = std::move(*status);
  result.created = created->value("created", false);
  result.changed_fields = plan.apply_now;
  result.unsupported_fields = plan.unsupported;
  return result;
}

AgentResult<VmStatus> HypervDriver::power(const std::string& uid, const PowerRequest& request) {
  auto row = find_row(*runner_, uid);
  if (!row.ok())
    return row.error();
  if (!row.value())
    return make_error(AgentErrorCode::kNotFound, "no managed vm with uid " + uid);
  auto result = run_json(*runner_, Script::kPower,
                         {{"vmId", ps_string(**row, "vmId")},
                          {"action", to_string(request.action)},
                          {"timeoutSeconds", request.timeout_seconds}});
  if (!result.ok())
    return result.error();
  auto status =
      vm_row_status(result->contains("vm") ? (*result)["vm"] : json::object(), wall_clock_ms());
  if (!status)
    return unmanaged_row(uid);
  return std::move(*status);
}

AgentStatus HypervDriver::remove(const std::string& uid) {
  auto row = find_row(*runner_, uid);
  if (!row.ok())
    return row.error();
  if (!row.value())
    return {};  // already gone
  auto result = run_json(*runner_, Script::kRemove,
                         {{"vmId", ps_string(**row, "vmId")}, {"vmDir", paths_.vm_dir}});
  if (!result.ok())
    return result.error();
  return {};
}

}  // namespace hvo::agent
