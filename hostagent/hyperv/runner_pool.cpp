#include "hostagent/hyperv/runner_pool.h"

#include <algorithm>

namespace hvo::agent {

RunnerPool::RunnerPool(std::vector<std::unique_ptr<ScriptRunner>> runners)
    : runners_(std::move(runners)), busy_(runners_.size(), false) {}

AgentResult<std::string> RunnerPool::run(Script script, const std::string& input_json,
                                         std::chrono::milliseconds waits) {
  if (runners_.empty())
    return make_error(AgentErrorCode::kInternal, "no PowerShell runner configured");
  std::size_t index = 0;
  {
    std::unique_lock<std::mutex> lock(mu_);
    idle_.wait(lock, [&] { return std::find(busy_.begin(), busy_.end(), false) != busy_.end(); });
    index = static_cast<std::size_t>(std::find(busy_.begin(), busy_.end(), false) - busy_.begin());
    busy_[index] = true;
  }
  auto result = runners_[index]->run(script, input_json, waits);
  {
    std::lock_guard<std::mutex> lock(mu_);
    busy_[index] = false;
  }
  idle_.notify_one();
  return result;
}

}  // namespace hvo::agent
