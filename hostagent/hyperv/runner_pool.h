// Several ScriptRunners used as one: a call takes an idle runner, or waits for one. The hyperv
// driver keeps one pool for reads (host info, inventory, one VM) and one for writes (ensure,
// power, remove), so a read never queues behind a graceful shutdown that takes minutes, and
// writes for different VMs proceed side by side. PowerShell workers start on their first call,
// so a pool costs processes only for the concurrency it actually sees.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "hostagent/hyperv/script_runner.h"

namespace hvo::agent {

class RunnerPool final : public ScriptRunner {
 public:
  explicit RunnerPool(std::vector<std::unique_ptr<ScriptRunner>> runners);

  using ScriptRunner::run;
  AgentResult<std::string> run(Script script, const std::string& input_json,
                               std::chrono::milliseconds waits) override;
  std::size_t size() const { return runners_.size(); }

 private:
  const std::vector<std::unique_ptr<ScriptRunner>> runners_;
  std::mutex mu_;
  std::condition_variable idle_;
  std::vector<bool> busy_;  // guarded by mu_
};

}  // namespace hvo::agent
