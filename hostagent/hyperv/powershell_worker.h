// A long-lived PowerShell process (worker.ps1) that runs the fixed scripts on request, because
// each powershell.exe start costs seconds. One request at a time: a line of JSON
// {"id","script","input"} in, a line of JSON {"id","ok","result"|"error"} out. A worker that
// does not answer in time is killed; one that died is started again on the next call.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/process/process.h"
#include "hostagent/hyperv/script_runner.h"

namespace hvo::agent {

struct PowerShellSettings {
  std::string executable = "powershell.exe";  // or "pwsh"; a path or a name on PATH
  std::string script_dir;                     // holds worker.ps1 and the scripts
  std::chrono::milliseconds call_timeout{120000};
};

// The fixed command line: no request data ever appears in it.
std::vector<std::string> powershell_argv(const PowerShellSettings& settings,
                                         const std::string& script_file);

class PowerShellWorker final : public ScriptRunner {
 public:
  explicit PowerShellWorker(PowerShellSettings settings) : settings_(std::move(settings)) {}
  ~PowerShellWorker() override;

  AgentResult<std::string> run(Script script, const std::string& input_json) override;
  int restarts() const;  // workers started after the first (crash or timeout recovery)

 private:
  AgentStatus ensure_started_locked();
  void discard_locked(const char* reason);

  const PowerShellSettings settings_;
  mutable std::mutex mu_;
  std::optional<process::Process> worker_;
  uint64_t next_id_ = 1;
  int starts_ = 0;
};

// One process per call (`-File <script>.ps1`, input on stdin): slower, used when no worker can
// be kept (or for a single command-line call).
class OneShotPowerShell final : public ScriptRunner {
 public:
  explicit OneShotPowerShell(PowerShellSettings settings) : settings_(std::move(settings)) {}
  AgentResult<std::string> run(Script script, const std::string& input_json) override;

 private:
  const PowerShellSettings settings_;
};

}  // namespace hvo::agent
