// AgentOperations against FakeAgent: operations answered 202 are polled in the background until
// they finish, are forgotten by the agent (404) or cannot be polled, and the VM is woken once.
// Polls run a few milliseconds apart here; tests wait for the wakes they expect (with a bound
// that only a broken poller reaches) and assert outcomes and counts, never durations.
#include "controllers/agent_operations.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>

#include "tests/controllers/fake_agent.h"

namespace hvo::controllers {
namespace {

using testing::FakeAgent;
using State = AgentOperations::State;

constexpr auto kPatience = std::chrono::seconds(60);  // reached only when the poller is broken

AgentOperationsOptions quick_polls() {
  AgentOperationsOptions options;
  options.first_poll = std::chrono::milliseconds(1);
  options.max_poll_interval = std::chrono::milliseconds(4);
  options.max_poll_failures = 3;
  return options;
}

// Counts wake() calls per VM key and lets a test wait for a number of them.
class Wakes {
 public:
  AgentOperations::Wake callback() {
    return [this](const std::string& vm_key) {
      std::lock_guard<std::mutex> lock(mu_);
      ++by_key_[vm_key];
      ++total_;
      changed_.notify_all();
    };
  }
  bool wait_for(int total) {
    std::unique_lock<std::mutex> lock(mu_);
    return changed_.wait_for(lock, kPatience, [&] { return total_ >= total; });
  }
  int total() {
    std::lock_guard<std::mutex> lock(mu_);
    return total_;
  }
  std::map<std::string, int> by_key() {
    std::lock_guard<std::mutex> lock(mu_);
    return by_key_;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, int> by_key_;
  int total_ = 0;
};

agent::VmSpec spec_for(const std::string& uid) {
  agent::VmSpec spec;
  spec.uid = uid;
  spec.name = uid;
  spec.namespace_ = "team-a";
  spec.cpu.count = 2;
  spec.memory.startup_bytes = 2LL << 30;
  return spec;
}

// An ensure the agent accepted with 202.
agent::Operation accepted_ensure(FakeAgent& agent, const std::string& uid) {
  agent.defer_operations = true;
  auto op = agent.ensure(spec_for(uid));
  EXPECT_TRUE(op.ok());
  EXPECT_FALSE(op.value().finished());
  return op.value();
}

int polls_of(FakeAgent& agent) {
  std::lock_guard<std::mutex> lock(agent.mu);
  return agent.operation_polls;
}

TEST(AgentOperations, FinishedOperationWakesItsVmOnceAndStopsBeingPolled) {
  auto agent = std::make_shared<FakeAgent>("hv-01");
  agent->finish_after_polls = 3;
  Wakes wakes;
  AgentOperations operations(wakes.callback(), quick_polls());
  const agent::Operation op = accepted_ensure(*agent, "u1");

  operations.track("team-a/web-1", "u1", "hv-01", agent, op);
  operations.start();
  ASSERT_TRUE(wakes.wait_for(1));
  operations.stop();  // joins the poller: nothing more can happen after this

  EXPECT_EQ(wakes.by_key(), (std::map<std::string, int>{{"team-a/web-1", 1}}));
  EXPECT_EQ(polls_of(*agent), 3);  // none after the final answer
  const auto entry = operations.find("u1");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->state, State::kFinished);
  EXPECT_EQ(entry->host, "hv-01");
  EXPECT_EQ(entry->id, op.id);
  EXPECT_EQ(entry->kind, agent::OperationKind::kEnsure);
  EXPECT_EQ(entry->polls, 3);
  EXPECT_EQ(entry->operation.state, agent::OperationState::kSucceeded);
  ASSERT_TRUE(entry->operation.ensure_result);
  EXPECT_TRUE(entry->operation.ensure_result->created);
  EXPECT_FALSE(entry->error);
}

TEST(AgentOperations, FailedOperationIsFinishedWithTheAgentsError) {
  auto agent = std::make_shared<FakeAgent>("hv-01");
  Wakes wakes;
  AgentOperations operations(wakes.callback(), quick_polls());
  operations.track("team-a/web-1", "u1", "hv-01", agent, accepted_ensure(*agent, "u1"));
  operations.start();
  agent->finish_operations(agent::AgentErrorCode::kImageNotFound);
  ASSERT_TRUE(wakes.wait_for(1));
  operations.stop();

  const auto entry = operations.take("u1");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->state, State::kFinished);
  EXPECT_EQ(entry->operation.state, agent::OperationState::kFailed);
  ASSERT_TRUE(entry->operation.error);
  EXPECT_EQ(entry->operation.error->code, agent::AgentErrorCode::kImageNotFound);
  EXPECT_FALSE(operations.find("u1"));  // take() consumed it
  EXPECT_EQ(wakes.total(), 1);
}

TEST(AgentOperations, OperationTheAgentForgotIsForgottenAndWakesItsVm) {
  auto agent = std::make_shared<FakeAgent>("hv-01");
  Wakes wakes;
  AgentOperations operations(wakes.callback(), quick_polls());
  operations.track("team-a/web-1", "u1", "hv-01", agent, accepted_ensure(*agent, "u1"));
  agent->forget_operations();  // the agent restarted
  operations.start();
  ASSERT_TRUE(wakes.wait_for(1));
  operations.stop();

  const auto entry = operations.find("u1");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->state, State::kForgotten);
  ASSERT_TRUE(entry->error);
  EXPECT_TRUE(entry->error->is(agent::AgentErrorCode::kNotFound));
  EXPECT_EQ(polls_of(*agent), 1);
  EXPECT_EQ(wakes.total(), 1);
}

TEST(AgentOperations, PollsFailingEveryTimeMakeTheOperationUnreachable) {
  auto agent = std::make_shared<FakeAgent>("hv-01");
  Wakes wakes;
  AgentOperations operations(wakes.callback(), quick_polls());
  operations.track("team-a/web-1", "u1", "hv-01", agent, accepted_ensure(*agent, "u1"));
  agent->unreachable = true;
  operations.start();
  ASSERT_TRUE(wakes.wait_for(1));
  operations.stop();

  const auto entry = operations.find("u1");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->state, State::kUnreachable);
  EXPECT_EQ(entry->polls, 3);  // max_poll_failures
  EXPECT_EQ(polls_of(*agent), 3);
  ASSERT_TRUE(entry->error);
  EXPECT_EQ(entry->error->failure, AgentFailure::kUnreachable);
  EXPECT_EQ(entry->error->host, "hv-01");
  EXPECT_EQ(wakes.total(), 1);
}

TEST(AgentOperations, FewerFailedPollsThanTheLimitAreRetried) {
  auto agent = std::make_shared<FakeAgent>("hv-01");
  agent->unreachable_polls = 2;  // one short of max_poll_failures
  agent->finish_after_polls = 1;
  Wakes wakes;
  AgentOperations operations(wakes.callback(), quick_polls());
  operations.track("team-a/web-1", "u1", "hv-01", agent, accepted_ensure(*agent, "u1"));
  operations.start();
  ASSERT_TRUE(wakes.wait_for(1));
  operations.stop();

  const auto entry = operations.find("u1");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->state, State::kFinished);
  EXPECT_EQ(entry->operation.state, agent::OperationState::kSucceeded);
  EXPECT_EQ(entry->polls, 3);
  EXPECT_FALSE(entry->error);
}

TEST(AgentOperations, StopIsPromptWhenTheNextPollIsAnHourAway) {
  auto agent = std::make_shared<FakeAgent>("hv-01");
  AgentOperationsOptions options;
  options.first_poll = std::chrono::hours(1);
  Wakes wakes;
  AgentOperations operations(wakes.callback(), options);
  operations.track("team-a/web-1", "u1", "hv-01", agent, accepted_ensure(*agent, "u1"));
  operations.start();
  operations.stop();  // a poller that slept would hold this (and the test) for an hour

  EXPECT_EQ(polls_of(*agent), 0);
  ASSERT_TRUE(operations.find("u1"));
  EXPECT_EQ(operations.find("u1")->state, State::kRunning);  // kept for the next start()
  operations.stop();                                         // idempotent
}

TEST(AgentOperations, ManyOperationsOnSeveralHostsEachWakeTheirVmOnce) {
  std::vector<std::shared_ptr<FakeAgent>> agents;
  for (int h = 0; h < 4; ++h) {
    agents.push_back(std::make_shared<FakeAgent>("hv-0" + std::to_string(h)));
    agents.back()->finish_after_polls = h + 1;
  }
  Wakes wakes;
  AgentOperations operations(wakes.callback(), quick_polls());
  operations.start();  // tracking while the poller runs
  std::set<std::string> keys;
  for (int i = 0; i < 100; ++i) {
    auto& agent = agents[i % agents.size()];
    const std::string uid = "u" + std::to_string(i);
    const std::string key = "team-a/vm-" + std::to_string(i);
    keys.insert(key);
    operations.track(key, uid, "hv-0" + std::to_string(i % agents.size()), agent,
                     accepted_ensure(*agent, uid));
  }
  ASSERT_TRUE(wakes.wait_for(100));
  operations.stop();

  const auto woken = wakes.by_key();
  EXPECT_EQ(woken.size(), keys.size());
  for (const auto& [key, count] : woken) {
    EXPECT_TRUE(keys.count(key)) << key;
    EXPECT_EQ(count, 1) << key;
  }
  EXPECT_EQ(operations.size(), 100u);
  for (int i = 0; i < 100; ++i) {
    const auto entry = operations.find("u" + std::to_string(i));
    ASSERT_TRUE(entry);
    EXPECT_EQ(entry->state, State::kFinished) << entry->uid;
    EXPECT_EQ(entry->polls, static_cast<int>(i % agents.size()) + 1) << entry->uid;
  }
  for (auto& agent : agents) {
    std::lock_guard<std::mutex> lock(agent->mu);
    EXPECT_EQ(agent->vms.size(), 25u);
  }
}

TEST(AgentOperations, TrackReplacesForgetDropsAndTakeWaitsForAFinalState) {
  auto agent = std::make_shared<FakeAgent>("hv-01");
  AgentOperationsOptions options;
  options.first_poll = std::chrono::hours(1);  // nothing is polled in this test
  Wakes wakes;
  AgentOperations operations(wakes.callback(), options);
  operations.start();

  const agent::Operation first = accepted_ensure(*agent, "u1");
  const agent::Operation second = accepted_ensure(*agent, "u1");
  operations.track("team-a/web-1", "u1", "hv-01", agent, first);
  operations.track("team-a/web-1", "u1", "hv-01", agent, second);
  EXPECT_EQ(operations.size(), 1u);
  ASSERT_TRUE(operations.find("u1"));
  EXPECT_EQ(operations.find("u1")->id, second.id);
  EXPECT_FALSE(operations.take("u1"));  // still running: stays
  EXPECT_TRUE(operations.find("u1"));
  operations.forget("u1");
  EXPECT_FALSE(operations.find("u1"));
  EXPECT_EQ(operations.size(), 0u);

  // An operation the agent finished within its wait is final at once, with no poll and no wake.
  agent->defer_operations = false;
  auto done = agent->ensure(spec_for("u2"));
  ASSERT_TRUE(done.ok() && done->finished());
  operations.track("team-a/web-2", "u2", "hv-01", agent, done.value());
  const auto taken = operations.take("u2");
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->state, State::kFinished);
  EXPECT_EQ(taken->polls, 0);
  EXPECT_FALSE(operations.find("u2"));
  operations.stop();
  EXPECT_EQ(wakes.total(), 0);
  EXPECT_EQ(polls_of(*agent), 0);
}

// An AgentClient whose operation polls block until the test releases them.
class HeldPolls : public AgentClient {
 public:
  AgentCallResult<agent::HostInfo> host_info() override { return refused(); }
  AgentCallResult<agent::Inventory> inventory() override { return refused(); }
  AgentCallResult<std::optional<agent::VmStatus>> vm(const std::string&) override {
    return refused();
  }
  AgentCallResult<agent::Operation> ensure(const agent::VmSpec&) override { return refused(); }
  AgentCallResult<agent::Operation> power(const std::string&, const agent::PowerRequest&) override {
    return refused();
  }
  AgentCallResult<agent::Operation> remove(const std::string&) override { return refused(); }
  AgentCallResult<agent::Operation> get_operation(const std::string& id) override {
    std::unique_lock<std::mutex> lock(mu_);
    ++entered_;
    changed_.notify_all();
    changed_.wait(lock, [this] { return released_; });
    agent::Operation op;
    op.id = id;
    op.state = agent::OperationState::kSucceeded;
    return op;
  }

  void wait_until_polled() {
    std::unique_lock<std::mutex> lock(mu_);
    ASSERT_TRUE(changed_.wait_for(lock, kPatience, [this] { return entered_ > 0; }));
  }
  void release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  static AgentError refused() {
    AgentError error;
    error.message = "not used in this test";
    return error;
  }
  std::mutex mu_;
  std::condition_variable changed_;
  int entered_ = 0;
  bool released_ = false;
};

TEST(AgentOperations, AnswerToAPollOfAForgottenOperationIsDropped) {
  auto client = std::make_shared<HeldPolls>();
  Wakes wakes;
  AgentOperations operations(wakes.callback(), quick_polls());
  agent::Operation op;
  op.id = "op-1";
  op.uid = "u1";
  op.state = agent::OperationState::kRunning;
  operations.track("team-a/web-1", "u1", "hv-01", client, op);
  operations.start();
  client->wait_until_polled();

  // The poll is out and holds no lock: the VM's own pass can read, replace and drop meanwhile.
  const auto during = operations.find("u1");
  ASSERT_TRUE(during);
  EXPECT_EQ(during->state, State::kRunning);
  operations.forget("u1");
  EXPECT_EQ(operations.size(), 0u);
  client->release();
  operations.stop();

  EXPECT_FALSE(operations.find("u1"));
  EXPECT_EQ(wakes.total(), 0);
}

TEST(AgentOperations, StatesHaveNames) {
  EXPECT_STREQ(to_string(State::kRunning), "Running");
  EXPECT_STREQ(to_string(State::kFinished), "Finished");
  EXPECT_STREQ(to_string(State::kForgotten), "Forgotten");
  EXPECT_STREQ(to_string(State::kUnreachable), "Unreachable");
}

}  // namespace
}  // namespace hvo::controllers
