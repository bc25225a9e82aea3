#include "hostagent/sim/sim_state_file.h"

#include <nlohmann/json.hpp>

#include "hostagent/protocol/json_fields.h"

namespace hvo::agent {
namespace {

constexpr int kFormatVersion = 1;

}  // namespace

std::string encode_sim_state(const std::vector<const SimVm*>& vms) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto* vm : vms) {
    list.push_back({{"vmId", vm->vm_id},
                    {"config", vm->config},
                    {"configured", vm->configured},
                    {"state", to_string(vm->state)},
                    {"transitionEndsAtMs", vm->transition_ends_at_ms},
                    {"runningSinceMs", vm->running_since_ms},
                    {"dvdPath", vm->dvd_path},
                    {"restartRequiredFields", vm->restart_required_fields},
                    {"appliedSpecHash", vm->applied_spec_hash},
                    {"appliedConfigHash", vm->applied_config_hash}});
  }
  return nlohmann::json{{"version", kFormatVersion}, {"vms", list}}.dump();
}

Result<std::vector<SimVm>> decode_sim_state(const std::string& text) {
  const auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return Error(ErrorCode::kInvalidArgument, "sim state file is not a JSON object");
  }
  try {
    wire::ObjectReader root(json, "");
    if (root.integer("version").value_or(0) != kFormatVersion) {
      return Error(ErrorCode::kInvalidArgument, "sim state file has an unknown format version");
    }
    std::vector<SimVm> vms;
    for (const auto& [item, path] : wire::array_items(root, "vms")) {
      wire::ObjectReader r(*item, path);
      SimVm vm;
      vm.vm_id = r.required_string("vmId");
      const auto* config = r.child("config");
      if (config == nullptr)
        throw wire::FieldError(r.path_of("config"), "required");
      vm.config = wire::read_vm_spec(*config, r.path_of("config"));
      vm.configured = r.boolean("configured").value_or(false);
      vm.state = parse_vm_state(r.required_string("state"));
      vm.transition_ends_at_ms = r.integer("transitionEndsAtMs").value_or(0);
      vm.running_since_ms = r.integer("runningSinceMs").value_or(0);
      vm.dvd_path = r.string("dvdPath").value_or("");
      vm.restart_required_fields = r.string_list("restartRequiredFields");
      vm.applied_spec_hash = r.string("appliedSpecHash").value_or("");
      vm.applied_config_hash = r.string("appliedConfigHash").value_or("");
      vms.push_back(std::move(vm));
    }
    return vms;
  } catch (const wire::FieldError& error) {
    return Error(ErrorCode::kInvalidArgument, std::string("sim state file: ") + error.what());
  }
}

}  // namespace hvo::agent
