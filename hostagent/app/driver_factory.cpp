#include "hostagent/app/driver_factory.h"

#include <algorithm>
#include <filesystem>

#include "common/process/executable_path.h"
#include "hostagent/hyperv/hyperv_driver.h"
#include "hostagent/hyperv/powershell_worker.h"
#include "hostagent/hyperv/runner_pool.h"

namespace hvo::agent {
namespace {

// The PowerShell to run, by full path (a PATH lookup could find another program of that name),
// and the scripts' folder: by default "scripts" beside hyperv-agent, where the package puts it.
Result<PowerShellSettings> powershell_settings(const AgentConfig& config) {
  PowerShellSettings settings;
  settings.executable =
      config.hyperv.powershell.empty() ? default_powershell_path() : config.hyperv.powershell;
  if (!std::filesystem::path(settings.executable).is_absolute()) {
    return Error(ErrorCode::kInvalidArgument,
                 "hyperv.powershell: must be the full path of powershell.exe or pwsh (got '" +
                     settings.executable + "')");
  }
  settings.script_dir = config.hyperv.script_dir;
  if (settings.script_dir.empty()) {
    auto self = process::current_executable_path();
    if (!self.ok())
      return self.error().with_context("hyperv.scriptDir is not set and the default");
    settings.script_dir = (std::filesystem::path(*self).parent_path() / "scripts").string();
  }
  settings.call_timeout = std::chrono::milliseconds(config.hyperv.call_timeout_ms);
  return settings;
}

std::unique_ptr<ScriptRunner> worker_pool(const PowerShellSettings& settings, std::size_t size) {
  std::vector<std::unique_ptr<ScriptRunner>> workers;
  for (std::size_t i = 0; i < size; ++i)
    workers.push_back(std::make_unique<PowerShellWorker>(settings));
  return std::make_unique<RunnerPool>(std::move(workers));
}

}  // namespace

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
  auto settings = powershell_settings(config);
  if (!settings.ok())
    return settings.error();
  // Writes get as many workers as driver calls may run at once (they start on first use);
  // reads get their own, so GET /v1/host and /v1/vms never wait behind a shutdown.
  const auto writers =
      static_cast<std::size_t>(std::max<int64_t>(1, config.limits.max_concurrent_driver_calls));
  parts.driver =
      std::make_unique<HypervDriver>(worker_pool(*settings, writers), worker_pool(*settings, 1),
                                     HypervPaths{config.vm_dir, config.image_dir});
  return parts;
}

}  // namespace hvo::agent
