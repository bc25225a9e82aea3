// A long-lived PowerShell process (worker.ps1) that runs the fixed scripts on request, because
// each powershell.exe start costs seconds. One request at a time: a line of JSON
// {"id","script","input"} in, a line of JSON {"id","ok","result"|"error"} out; any other line
// PowerShell prints (a warning a module wrote past $WarningPreference, a banner) is skipped and
// logged at debug until the line with the request's id. A worker that does not answer in time
// is killed; one that died is started again on the next call. RunnerPool (runner_pool.h) runs
// several of them so reads never queue behind a long write.
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
  // The full path of powershell.exe or pwsh(.exe): see default_powershell_path().
  std::string executable;
  std::string script_dir;  // holds worker.ps1 and the scripts
  // A call's own time; time a script waits on purpose (ScriptRunner::run's `waits`) is added.
  std::chrono::milliseconds call_timeout{120000};
};

// Windows PowerShell 5.1 at its fixed place (never looked up on PATH, where another program
// could take its name): %SystemRoot%\System32\WindowsPowerShell\v1.0\powershell.exe. On other
// systems, where only tests run the driver, "pwsh" (a name: the config must give a full path).
std::string default_powershell_path();

// The fixed command line: no request data ever appears in it.
std::vector<std::string> powershell_argv(const PowerShellSettings& settings,
                                         const std::string& script_file);

class PowerShellWorker final : public ScriptRunner {
 public:
  explicit PowerShellWorker(PowerShellSettings settings) : settings_(std::move(settings)) {}
  ~PowerShellWorker() override;

  using ScriptRunner::run;
  AgentResult<std::string> run(Script script, const std::string& input_json,
                               std::chrono::milliseconds waits) override;
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
  using ScriptRunner::run;
  AgentResult<std::string> run(Script script, const std::string& input_json,
                               std::chrono::milliseconds waits) override;

 private:
  const PowerShellSettings settings_;
};

}  // namespace hvo::agent
