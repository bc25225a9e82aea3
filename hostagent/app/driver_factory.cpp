#include "hostagent/app/driver_factory.h"

#include "hostagent/hyperv/hyperv_driver.h"
#include "hostagent/hyperv/powershell_worker.h"

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
  PowerShellSettings settings;
  settings.executable = config.hyperv.powershell;
  settings.script_dir = config.hyperv.script_dir;
  settings.call_timeout = std::chrono::milliseconds(config.hyperv.call_timeout_ms);
  parts.driver = std::make_unique<HypervDriver>(std::make_unique<PowerShellWorker>(settings),
                                                HypervPaths{config.vm_dir, config.image_dir});
  return parts;
}

}  // namespace hvo::agent
