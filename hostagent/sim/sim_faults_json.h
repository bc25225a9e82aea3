// SimFaults as JSON, for the sim's test-only endpoint /v1/sim/faults.
#pragma once

#include <string>
#include <string_view>

#include "hostagent/protocol/agent_result.h"
#include "hostagent/sim/sim_config.h"

namespace hvo::agent {

std::string encode_sim_faults(const SimFaults& faults);
AgentResult<SimFaults> parse_sim_faults(std::string_view body);
// {"cpuCount": 3, "memoryStartupBytes": N, "nics": [{"name": "nic0", "vlanId": 7}],
//  "disks": [{"name": "data", "sizeBytes": N}]}
AgentResult<SimEdit> parse_sim_edit(std::string_view body);

}  // namespace hvo::agent
