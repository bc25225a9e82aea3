#include "hostagent/app/driver_factory.h"

namespace hvo::agent {

Result<DriverParts> make_driver(const AgentConfig& config) {
  DriverParts parts;
  if (config.driver == "sim") {
    auto sim = SimDriver::open(config.sim);
    if (!sim.ok())
      return sim.error().with_context("sim driver");
    parts.sim = sim.value().get();
    parts.driver = std::move(sim).value();
    return parts;
  }
  return Error(ErrorCode::kInvalidArgument, "driver: " + config.driver + " is not available");
}

}  // namespace hvo::agent
