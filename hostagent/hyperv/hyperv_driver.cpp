#include "hostagent/hyperv/hyperv_driver.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "hostagent/driver/convergence.h"
#include "hostagent/hyperv/ps_json.h"
#include "hostagent/hyperv/usage_row.h"
#include "hostagent/hyperv/vm_row.h"
#include "hostagent/protocol/spec_hash.h"
#include "hostagent/util/wall_clock.h"

namespace hvo::agent {
namespace {

using nlohmann::json;

std::chrono::milliseconds seconds_ms(int64_t seconds) {
  return std::chrono::milliseconds(std::max<int64_t>(0, seconds) * 1000);
}

AgentResult<json> run_json(ScriptRunner& runner, Script script, const json& input,
                           std::chrono::milliseconds waits = std::chrono::milliseconds(0)) {
  auto text = runner.run(script, input.dump(), waits);
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

// A row the host could not read in full: its configuration cannot be planned against.
AgentStatus row_usable(const json& row, const std::string& uid) {
  const std::string error = ps_string(row, "error");
  if (error.empty())
    return {};
  return make_error(AgentErrorCode::kDriverError, "the VM of " + uid + " cannot be read", error);
}

// The spec as the ensure script gets it: cloud-init stays out (it goes into the seed ISO, never
// to PowerShell), and the secure boot template is the one the VM must end up with.
json spec_input(const VmSpec& spec) {
  json j = spec;
  j.erase("cloudInit");
  j["firmware"]["secureBootTemplate"] = effective_secure_boot_template(spec);
  return j;
}

ErrorBody unmanaged_row(const std::string& uid) {
  return make_error(AgentErrorCode::kDriverError,
                    "the VM of " + uid + " lost its owner marker during the call");
}

VmState row_state(const json& row) {
  std::string raw;
  return ps_vm_state(row.contains("state") ? row["state"] : json("Other"), raw);
}

const json& row_of(const json& result) {
  static const json empty = json::object();
  return result.contains("vm") ? result["vm"] : empty;
}

}  // namespace

AgentResult<HostInfo> HypervDriver::host_info() {
  auto result = run_json(*reads_, Script::kHostInfo,
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
  // Every Hyper-V host with these cmdlets (Windows Server 2012 R2 and later) has these three;
  // the others are probed by the script.
  info.capabilities = {"dynamicMemory", "hotAddNetworkAdapter", "secureBoot"};
  if (r.value("nestedVirtualization", false))
    info.capabilities.push_back("nestedVirtualization");
  if (r.value("tpm", false))
    info.capabilities.push_back("tpm");
  info.migration.enabled = r.value("migrationEnabled", false);
  info.migration.maximum_migrations = ps_int(r, "maximumMigrations");
  if (info.migration.enabled)
    info.capabilities.push_back("liveMigration");
  for (const auto& network : ps_list(r, "migrationNetworks")) {
    if (network.is_string())
      info.migration.networks.push_back(network.get<std::string>());
  }
  for (const auto& version : ps_list(r, "supportedVersions")) {
    if (version.is_string())
      info.capabilities.push_back("configurationVersion/" + version.get<std::string>());
  }
  for (const auto& sw : ps_list(r, "switches")) {
    info.switches.push_back(
        {ps_string(sw, "name"),
         ps_switch_type(sw.contains("switchType") ? sw["switchType"] : json())});
  }
  // An image the host cannot read is left out (nothing could be created from it) and logged;
  // it never fails the whole answer.
  for (const auto& image : ps_list(r, "images")) {
    const std::string error = ps_string(image, "error");
    if (!error.empty()) {
      spdlog::warn("image_unreadable image={} error=\"{}\"", ps_string(image, "name"), error);
      continue;
    }
    info.images.push_back({ps_string(image, "name"), ps_int(image, "sizeBytes")});
  }
  info.vm_count = ps_int(r, "managedVmCount");
  info.unmanaged_vm_count = ps_int(r, "unmanagedVmCount");
  return info;
}

AgentResult<Inventory> HypervDriver::inventory() {
  auto rows = inventory_rows(*reads_, "");
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

AgentResult<VmStatus> HypervDriver::vm(const std::string& uid) {
  auto row = find_row(*reads_, uid);
  if (!row.ok())
    return row.error();
  if (!row.value())
    return make_error(AgentErrorCode::kNotFound, "no managed vm with uid " + uid);
  auto status = vm_row_status(**row, wall_clock_ms());
  if (!status)
    return unmanaged_row(uid);
  return std::move(*status);
}

AgentResult<EnsureResult> HypervDriver::ensure(const VmSpec& spec,
                                               const std::string& seed_iso_path) {
  // Step 1: find the VM by its marker (or its folder), or create it. After a crash anywhere
  // later, this step finds the VM again instead of making a second one.
  json switches = json::array();
  for (const auto& net : spec.networks)
    switches.push_back(net.switch_name);
  auto created = run_json(*writes_, Script::kEnsure,
                          {{"phase", "create"},
                           {"spec", spec_input(spec)},
                           {"vmName", spec.host_vm_name()},
                           {"switches", switches},
                           {"vmDir", paths_.vm_dir},
                           {"imageDir", paths_.image_dir}});
  if (!created.ok())
    return created.error();
  json row = row_of(*created);
  if (auto usable = row_usable(row, spec.uid); !usable.ok())
    return usable.error();
  if (vm_row_config(row).uid != spec.uid)
    return unmanaged_row(spec.uid);

  // Step 2: power Off is a bounded graceful stop (turned off when the guest does not finish in
  // time), done first so the changes that need the VM off apply in the same call. A saved VM
  // keeps its memory: it is not thrown away to reach Off.
  const VmState state = row_state(row);
  if (spec.power == PowerIntent::kOff && state != VmState::kOff && state != VmState::kSaved) {
    auto stopped = run_json(*writes_, Script::kPower,
                            {{"vmId", ps_string(row, "vmId")},
                             {"action", "shutdown"},
                             {"timeoutSeconds", spec.shutdown_timeout_seconds}},
                            seconds_ms(spec.shutdown_timeout_seconds));
    if (!stopped.ok())
      return stopped.error();
    row = row_of(*stopped);
  }

  // Step 3: converge what the VM's state allows now; the rest waits for the VM to be off. The
  // generation marker says "this spec is on the VM": it stays where it was while fields wait.
  const ConvergencePlan plan = plan_convergence(spec, vm_row_config(row), row_state(row));
  const auto before = vm_row_status(row, wall_clock_ms());
  const int64_t kept_generation = before ? before->object_generation : 0;
  auto applied = run_json(
      *writes_, Script::kEnsure,
      {{"phase", "apply"},
       {"vmId", ps_string(row, "vmId")},
       {"spec", spec_input(spec)},
       {"fields", plan.apply_now},
       {"seedIso", seed_iso_path},
       {"power", to_string(spec.power)},
       {"generation", plan.restart_required.empty() ? spec.object_generation : kept_generation},
       {"vmDir", paths_.vm_dir},
       {"imageDir", paths_.image_dir}});
  if (!applied.ok())
    return applied.error();
  AppliedRecord record;
  record.spec_hash = spec_hash(spec);
  record.config_hash = config_hash(vm_row_config(row_of(*applied)));
  record.deferred = plan.restart_required;
  if (applied->value("seedDeferred", false))
    record.deferred.push_back(field::kCloudInit);

  // Step 4: record what was applied, so every later read knows what is pending and what a
  // person changed by hand since.
  auto marked = run_json(*writes_, Script::kEnsure,
                         {{"phase", "mark"},
                          {"uid", spec.uid},
                          {"vmId", ps_string(row, "vmId")},
                          {"applied", encode_applied_record(record)}});
  if (!marked.ok())
    return marked.error();
  auto status = vm_row_status(row_of(*marked), wall_clock_ms());
  if (!status)
    return unmanaged_row(spec.uid);

  EnsureResult result;
  result.vm = std::move(*status);
  result.created = created->value("created", false);
  result.changed_fields = plan.apply_now;
  result.unsupported_fields = plan.unsupported;
  return result;
}

AgentResult<VmStatus> HypervDriver::power(const std::string& uid, const PowerRequest& request) {
  auto row = find_row(*writes_, uid);
  if (!row.ok())
    return row.error();
  if (!row.value())
    return make_error(AgentErrorCode::kNotFound, "no managed vm with uid " + uid);
  const bool waits =
      request.action == PowerAction::kShutdown || request.action == PowerAction::kRestart;
  auto result =
      run_json(*writes_, Script::kPower,
               {{"vmId", ps_string(**row, "vmId")},
                {"action", to_string(request.action)},
                {"timeoutSeconds", request.timeout_seconds}},
               waits ? seconds_ms(request.timeout_seconds) : std::chrono::milliseconds(0));
  if (!result.ok())
    return result.error();
  auto status = vm_row_status(row_of(*result), wall_clock_ms());
  if (!status)
    return unmanaged_row(uid);
  return std::move(*status);
}

AgentResult<MigrateResult> HypervDriver::migrate(const std::string& uid,
                                                 const MigrateRequest& request,
                                                 const ProgressFn& progress) {
  auto row = find_row(*writes_, uid);
  if (!row.ok())
    return row.error();
  if (!row.value())
    return make_error(AgentErrorCode::kNotFound, "no managed vm with uid " + uid);
  const std::string vm_id = ps_string(**row, "vmId");
  if (progress)
    progress(0);
  auto result = run_json(*writes_, Script::kMigrate,
                         {{"vmId", vm_id},
                          {"destinationHost", request.destination_host},
                          {"destinationPath", request.destination_path},
                          {"includeStorage", request.include_storage}},
                         // A move copies memory (and disks): let it run past the worker's usual
                         // bound; Move-VM fails by itself when the destination stops answering.
                         std::chrono::hours(2));
  if (!result.ok())
    return result.error();
  return MigrateResult{request.destination_host, vm_id};
}

AgentStatus HypervDriver::release(const std::string& uid) {
  // remove.ps1 with `orphan`: the agent's lines leave Notes; the VM and its disks stay.
  auto result = run_json(*writes_, Script::kRemove,
                         {{"uid", uid}, {"vmDir", paths_.vm_dir}, {"orphan", true}});
  if (!result.ok())
    return result.error();
  return {};
}

AgentStatus HypervDriver::remove(const std::string& uid) {
  // The script finds the VM itself (by marker, or by its folder when the marker was never
  // written) and cleans <vmDir>\<uid> even when no VM is left: a retried delete finishes the job.
  auto result = run_json(*writes_, Script::kRemove, {{"uid", uid}, {"vmDir", paths_.vm_dir}});
  if (!result.ok())
    return result.error();
  return {};
}

AgentResult<std::vector<VmUsage>> HypervDriver::usage() {
  auto result = run_json(*reads_, Script::kUsage, json::object());
  if (!result.ok())
    return result.error();
  std::vector<VmUsage> reading;
  for (const auto& row : ps_list(*result, "vms")) {
    if (auto usage = usage_row(row))
      reading.push_back(std::move(*usage));
    else if (!ps_string(row, "error").empty())
      spdlog::warn("vm_usage_row_unreadable vm_id={} error=\"{}\"", ps_string(row, "vmId"),
                   ps_string(row, "error"));
  }
  return reading;
}

}  // namespace hvo::agent
