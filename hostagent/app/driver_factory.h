// Builds the driver a config names.
#pragma once

#include <memory>

#include "common/status.h"
#include "hostagent/config/agent_config.h"
#include "hostagent/driver/driver.h"
#include "hostagent/sim/sim_driver.h"

namespace hvo::agent {

struct DriverParts {
  std::unique_ptr<Driver> driver;
  SimDriver* sim = nullptr;  // set when the driver is the sim (for its test endpoints)
};

Result<DriverParts> make_driver(const AgentConfig& config);

}  // namespace hvo::agent
