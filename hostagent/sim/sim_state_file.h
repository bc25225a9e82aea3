// The sim host's VM set as a JSON file, so an agent restart keeps its VMs as a real host does.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "hostagent/sim/sim_vm.h"

namespace hvo::agent {

std::string encode_sim_state(const std::vector<const SimVm*>& vms);
// kInvalidArgument naming the problem when the file is not a state file of ours.
Result<std::vector<SimVm>> decode_sim_state(const std::string& text);

}  // namespace hvo::agent
