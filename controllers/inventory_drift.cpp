#include "controllers/inventory_drift.h"

#include <map>

namespace hvo::controllers {

std::string power_state_text(const agent::VmStatus& vm) {
  return vm.raw_state.empty() ? agent::to_string(vm.state) : vm.raw_state;
}

agent::Inventory drift_view(agent::Inventory inventory) {
  for (auto& vm : inventory.vms) {
    agent::VmStatus kept;
    kept.uid = std::move(vm.uid);
    kept.vm_id = std::move(vm.vm_id);
    kept.state = vm.state;
    kept.raw_state = std::move(vm.raw_state);
    kept.ip_addresses = std::move(vm.ip_addresses);
    kept.config_drift = vm.config_drift;
    vm = std::move(kept);
  }
  return inventory;
}

std::vector<std::string> drifted_vms(const std::string& host, const std::vector<VmObservation>& vms,
                                     const agent::Inventory& inventory) {
  std::map<std::string, const agent::VmStatus*> by_uid;
  for (const auto& vm : inventory.vms)
    by_uid[vm.uid] = &vm;

  std::vector<std::string> drifted;
  for (const auto& vm : vms) {
    if (vm.host != host || vm.vm_id.empty() || vm.deleting)
      continue;
    const auto found = by_uid.find(vm.uid);
    if (found == by_uid.end() || power_state_text(*found->second) != vm.power_state ||
        found->second->ip_addresses != vm.ip_addresses || found->second->config_drift)
      drifted.push_back(vm.key);
  }
  return drifted;
}

}  // namespace hvo::controllers
