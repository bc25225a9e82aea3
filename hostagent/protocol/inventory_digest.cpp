#include "hostagent/protocol/inventory_digest.h"

#include <algorithm>
#include <vector>

#include "hostagent/protocol/fnv1a.h"

namespace hvo::agent {

std::string inventory_digest(const Inventory& inventory) {
  std::vector<const VmStatus*> vms;
  vms.reserve(inventory.vms.size());
  for (const auto& vm : inventory.vms)
    vms.push_back(&vm);
  std::sort(vms.begin(), vms.end(),
            [](const VmStatus* a, const VmStatus* b) { return a->uid < b->uid; });
  Fnv1a hash;
  for (const VmStatus* vm : vms) {
    hash.add(vm->uid);
    hash.add(vm->vm_id);
    hash.add(to_string(vm->state));
    hash.add(vm->raw_state);
    for (const auto& address : vm->ip_addresses)
      hash.add(address);
    hash.add("\x1e");  // end of this VM's addresses
    // What the day-2 check compares: the spec last applied, hand edits, changes still pending.
    hash.add(vm->applied_spec_hash);
    hash.add(vm->config_drift ? "drift" : "");
    for (const auto& field : vm->restart_required_fields)
      hash.add(field);
    hash.add("\x1e");
  }
  return hash.hex();
}

}  // namespace hvo::agent
