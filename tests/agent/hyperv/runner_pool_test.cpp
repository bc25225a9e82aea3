#include "hostagent/hyperv/runner_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>

#include "hostagent/hyperv/hyperv_driver.h"

namespace hvo::agent {
namespace {

// A runner that holds every power call until released, and answers the rest at once.
class GatedRunner final : public ScriptRunner {
 public:
  using ScriptRunner::run;
  AgentResult<std::string> run(Script script, const std::string&,
                               std::chrono::milliseconds waits) override {
    if (script == Script::kPower) {
      last_waits = waits;
      ++held;
      gate.wait();
      return std::string(
          R"({"vm":{"vmId":"id-1","notes":"hyperv-operator-uid: u-1","state":"Off"}})");
    }
    if (script == Script::kInventory) {
      return std::string(
          R"({"vms":[{"vmId":"id-1","notes":"hyperv-operator-uid: u-1","state":"Running"}],)"
          R"("unmanagedCount":0})");
    }
    return std::string("{}");
  }
  std::shared_future<void> gate;
  std::atomic<int> held{0};
  std::chrono::milliseconds last_waits{0};
};

TEST(RunnerPool, ACallTakesAnIdleRunnerWhileAnotherIsBusy) {
  std::promise<void> release;
  auto first = std::make_unique<GatedRunner>();
  auto second = std::make_unique<GatedRunner>();
  first->gate = second->gate = release.get_future().share();
  GatedRunner* busy = first.get();
  std::vector<std::unique_ptr<ScriptRunner>> runners;
  runners.push_back(std::move(first));
  runners.push_back(std::move(second));
  RunnerPool pool(std::move(runners));
  auto slow = std::async(std::launch::async, [&] { return pool.run(Script::kPower, "{}"); });
  while (busy->held.load() == 0)
    std::this_thread::yield();
  EXPECT_TRUE(pool.run(Script::kInventory, "{}").ok());  // answered while the power call waits
  release.set_value();
  EXPECT_TRUE(slow.get().ok());
}

// GET /v1/vms and /v1/host go to the read runner: a shutdown that takes the guest minutes never
// holds them up. The shutdown's own call gets its timeout on top of the runner's.
TEST(HypervDriverRunners, ReadsAnswerWhileAShutdownWaitsAndTheShutdownGetsItsTime) {
  std::promise<void> release;
  auto writes = std::make_unique<GatedRunner>();
  auto reads = std::make_unique<GatedRunner>();
  writes->gate = reads->gate = release.get_future().share();
  GatedRunner* writer = writes.get();
  HypervDriver driver(std::move(writes), std::move(reads), HypervPaths{"/vms", "/images"});
  auto shutdown = std::async(std::launch::async, [&] {
    return driver.power("u-1", {PowerAction::kShutdown, 300});
  });
  while (writer->held.load() == 0)
    std::this_thread::yield();
  const auto inventory = driver.inventory();
  ASSERT_TRUE(inventory.ok()) << inventory.error().message;
  EXPECT_EQ(inventory->vms.size(), 1u);
  EXPECT_TRUE(driver.vm("u-1").ok());
  EXPECT_EQ(writer->last_waits, std::chrono::seconds(300));
  release.set_value();
  const auto stopped = shutdown.get();
  ASSERT_TRUE(stopped.ok()) << stopped.error().message;
  EXPECT_EQ(stopped->state, VmState::kOff);
}

}  // namespace
}  // namespace hvo::agent
