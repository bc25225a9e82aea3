// The non-blocking path end to end over real HTTPS with mutual TLS: HttpAgentClient sends
// waitMs=0, the agent (sim driver, a create that takes 2 s) answers 202 at once, AgentOperations
// polls GET /v1/operations/{id} until it finished and wakes the VM, whose pass then takes the
// outcome. The 2 s create only makes "still running when answered" certain; nothing is timed.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <vector>

#include "controllers/agent_operations.h"
#include "controllers/http_agent_client.h"
#include "tests/agent/support/agent_process.h"
#include "tests/agent/support/sample_spec.h"

namespace hvo::controllers {
namespace {

constexpr auto kPatience = std::chrono::seconds(60);  // reached only when something is broken

class WokenVms {
 public:
  AgentOperations::Wake callback() {
    return [this](const std::string& vm_key) {
      std::lock_guard<std::mutex> lock(mu_);
      keys_.push_back(vm_key);
      changed_.notify_all();
    };
  }
  bool wait_for(std::size_t count) {
    std::unique_lock<std::mutex> lock(mu_);
    return changed_.wait_for(lock, kPatience, [&] { return keys_.size() >= count; });
  }
  std::vector<std::string> keys() {
    std::lock_guard<std::mutex> lock(mu_);
    return keys_;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::string> keys_;
};

TEST(AgentOperationsOverHttps, CallsReturnAtOnceAndThePollerWakesTheVmWithTheOutcome) {
  agent::testing::RunningAgent agent;
  agent.config().sim.latencies.create_ms = 2000;
  agent.start();
  AgentEndpoint endpoint;
  endpoint.host = "hv-01";
  endpoint.address = "https://127.0.0.1:" + std::to_string(agent.config().listen_port);
  endpoint.credentials = {agent.pki().ca.cert_pem, agent.pki().client.cert_pem,
                          agent.pki().client.key_pem, agent::testing::kTestToken};
  endpoint.credentials_version = "1";
  auto created = HttpAgentClient::create(endpoint, nullptr, std::chrono::seconds(30),
                                         std::chrono::milliseconds(0));
  ASSERT_TRUE(created.ok()) << created.error().message();
  const std::shared_ptr<AgentClient> client = std::move(created).value();

  WokenVms woken;
  AgentOperationsOptions options;
  options.first_poll = std::chrono::milliseconds(20);
  options.max_poll_interval = std::chrono::milliseconds(200);
  AgentOperations operations(woken.callback(), options);
  operations.start();

  const agent::VmSpec spec = agent::testing::sample_spec();
  const auto accepted = client->ensure(spec);
  ASSERT_TRUE(accepted.ok()) << accepted.error().message;
  EXPECT_FALSE(accepted->finished());  // 202: the call did not wait for the 2 s create
  EXPECT_FALSE(accepted->id.empty());
  operations.track("team-a/web-1", spec.uid, endpoint.host, client, accepted.value());

  ASSERT_TRUE(woken.wait_for(1));
  EXPECT_EQ(woken.keys(), std::vector<std::string>{"team-a/web-1"});
  const auto outcome = operations.take(spec.uid);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->state, AgentOperations::State::kFinished);
  EXPECT_EQ(outcome->id, accepted->id);
  EXPECT_GE(outcome->polls, 1);
  EXPECT_EQ(outcome->operation.state, agent::OperationState::kSucceeded);
  ASSERT_TRUE(outcome->operation.ensure_result);
  EXPECT_TRUE(outcome->operation.ensure_result->created);

  // The VM is there; removing it goes the same way (it may finish before the answer: then the
  // tracked entry is final at once and nothing is polled).
  const auto vm = client->vm(spec.uid);
  ASSERT_TRUE(vm.ok()) << vm.error().message;
  ASSERT_TRUE(vm.value());
  const auto removal = client->remove(spec.uid);
  ASSERT_TRUE(removal.ok()) << removal.error().message;
  operations.track("team-a/web-1", spec.uid, endpoint.host, client, removal.value());
  if (!removal->finished()) {
    ASSERT_TRUE(woken.wait_for(2));
  }
  const auto removed = operations.take(spec.uid);
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->state, AgentOperations::State::kFinished);
  EXPECT_EQ(removed->operation.state, agent::OperationState::kSucceeded);
  operations.stop();
  const auto gone = client->vm(spec.uid);
  ASSERT_TRUE(gone.ok()) << gone.error().message;
  EXPECT_FALSE(gone.value());
}

}  // namespace
}  // namespace hvo::controllers
