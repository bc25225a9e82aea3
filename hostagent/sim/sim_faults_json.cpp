#include "hostagent/sim/sim_faults_json.h"

#include <nlohmann/json.hpp>

#include "hostagent/protocol/json_fields.h"

namespace hvo::agent {

std::string encode_sim_faults(const SimFaults& faults) {
  return nlohmann::json{{"createFailureRatio", faults.create_failure_ratio},
                        {"failingVms", faults.failing_vms},
                        {"hostDown", faults.host_down},
                        {"crashAfterCreate", faults.crash_after_create},
                        {"seed", faults.seed},
                        {"ignoreShutdown", faults.ignore_shutdown},
                        {"failMigration", faults.fail_migration}}
      .dump();
}

AgentResult<SimFaults> parse_sim_faults(std::string_view body) {
  return wire::parse_body<SimFaults>(body, "sim faults", [](const nlohmann::json& json) {
    wire::ObjectReader r(json, "");
    SimFaults faults;
    if (const auto* ratio = r.child("createFailureRatio")) {
      if (!ratio->is_number() || ratio->get<double>() < 0 || ratio->get<double>() > 1) {
        throw wire::FieldError("createFailureRatio", "must be a number between 0 and 1");
      }
      faults.create_failure_ratio = ratio->get<double>();
    }
    for (auto& uid : r.string_list("failingVms"))
      faults.failing_vms.insert(uid);
    for (auto& uid : r.string_list("crashAfterCreate"))
      faults.crash_after_create.insert(uid);
    for (auto& uid : r.string_list("ignoreShutdown"))
      faults.ignore_shutdown.insert(uid);
    for (auto& uid : r.string_list("failMigration"))
      faults.fail_migration.insert(uid);
    faults.host_down = r.boolean("hostDown").value_or(false);
    faults.seed = static_cast<uint32_t>(r.integer("seed").value_or(1));
    return faults;
  });
}

AgentResult<SimEdit> parse_sim_edit(std::string_view body) {
  return wire::parse_body<SimEdit>(body, "sim edit", [](const nlohmann::json& json) {
    wire::ObjectReader r(json, "");
    SimEdit edit;
    edit.cpu_count = r.integer("cpuCount");
    edit.memory_startup_bytes = r.integer("memoryStartupBytes");
    for (const auto& [item, path] : wire::array_items(r, "nics")) {
      wire::ObjectReader nic(*item, path);
      edit.nic_vlans[nic.required_string("name")] = nic.integer("vlanId");
    }
    for (const auto& [item, path] : wire::array_items(r, "disks")) {
      wire::ObjectReader disk(*item, path);
      edit.disk_sizes[disk.required_string("name")] = disk.integer("sizeBytes").value_or(0);
    }
    return edit;
  });
}

}  // namespace hvo::agent
