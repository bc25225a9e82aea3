// The per-request wait of the mutating routes (`waitMs`, docs/agent-api.md "Operations"): the
// agent waits min(waitMs, operation_wait). Ensures are held in the driver behind a gate the test
// opens, so "still running" is a fact, not a race. A wait that were not honoured would block for
// an hour (the agent's limit here) or for 11 days (the largest waitMs), so the test would time
// out instead of passing: no timing is asserted.
#include <gtest/gtest.h>

#include <condition_variable>
#include <fstream>
#include <mutex>

#include "hostagent/server/agent_api.h"
#include "tests/agent/support/api_fixture.h"
#include "tests/agent/support/sample_spec.h"

namespace hvo::agent {
namespace {

using testing::sample_spec;

// The sim driver, except that ensure waits until open() is called.
class GatedDriver final : public Driver {
 public:
  explicit GatedDriver(Driver& inner) : inner_(inner) {}
  ~GatedDriver() override { open(); }

  void open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    opened_.notify_all();
  }

  std::string name() const override { return inner_.name(); }
  AgentResult<HostInfo> host_info() override { return inner_.host_info(); }
  AgentResult<Inventory> inventory() override { return inner_.inventory(); }
  AgentResult<VmStatus> vm(const std::string& uid) override { return inner_.vm(uid); }
  AgentResult<EnsureResult> ensure(const VmSpec& spec, const std::string& seed) override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      opened_.wait(lock, [this] { return open_; });
    }
    return inner_.ensure(spec, seed);
  }
  AgentResult<VmStatus> power(const std::string& uid, const PowerRequest& r) override {
    return inner_.power(uid, r);
  }
  AgentStatus remove(const std::string& uid) override { return inner_.remove(uid); }

 private:
  Driver& inner_;
  std::mutex mu_;
  std::condition_variable opened_;
  bool open_ = false;
};

// An AgentApi over the gated sim driver, called as a function with "path?query" targets the way
// the server splits them.
class WaitHarness {
 public:
  explicit WaitHarness(std::chrono::milliseconds operation_wait)
      : sim_(std::move(SimDriver::open({})).value()),
        gate_(*sim_),
        service_(gate_, SeedStore(dir_.path() + "/seeds")),
        metrics_(registry_),
        runner_({4, 256, 1000}) {
    testing::write_secret(dir_.path() + "/token", testing::kTestToken);
    token_ = std::move(TokenFile::open(dir_.path() + "/token")).value();
    ApiOptions options;
    options.operation_wait = operation_wait;
    api_ = std::make_unique<AgentApi>(service_, runner_, *token_, registry_, metrics_, options);
  }
  ~WaitHarness() { gate_.open(); }  // lets the runner's workers finish before it joins them

  net::HttpResponse call(const std::string& method, const std::string& target,
                         const std::string& body = "") {
    net::HttpRequest request;
    request.method = method;
    const auto question = target.find('?');
    request.path = target.substr(0, question);
    if (question != std::string::npos) {
      request.raw_query = target.substr(question + 1);
      request.query = net::decode_query(request.raw_query);
    }
    request.body = body;
    request.headers["Authorization"] = std::string("Bearer ") + testing::kTestToken;
    return api_->handle(request);
  }

  GatedDriver& gate() { return gate_; }
  OperationRunner& runner() { return runner_; }
  SimDriver& sim() { return *sim_; }

 private:
  hvo::testing::TempDir dir_;
  std::unique_ptr<SimDriver> sim_;
  GatedDriver gate_;
  VmService service_;
  metrics::Registry registry_;
  AgentMetrics metrics_;
  std::unique_ptr<TokenFile> token_;
  std::unique_ptr<AgentApi> api_;
  OperationRunner runner_;  // declared last, destroyed first: joins workers using the rest
};

const VmSpec kSpec = sample_spec();
const std::string kVmPath = "/v1/vms/" + kSpec.uid;

std::string spec_body() {
  return nlohmann::json(kSpec).dump();
}

Operation accepted_operation(const net::HttpResponse& response) {
  EXPECT_EQ(response.status, 202) << response.body;
  auto op = parse_operation(response.body);
  EXPECT_TRUE(op.ok()) << response.body;
  if (!op.ok())
    return {};
  EXPECT_EQ(response.header("Location"), "/v1/operations/" + op->id);
  EXPECT_FALSE(op->finished());
  return std::move(op).value();
}

TEST(AgentApiOperationWait, WaitMsZeroAnswers202AtOnceOnEveryMutatingRoute) {
  WaitHarness api(std::chrono::hours(1));  // without waitMs a call would wait an hour

  const Operation ensure = accepted_operation(api.call("PUT", kVmPath + "?waitMs=0", spec_body()));
  // Power and delete of the same VM queue behind the held ensure, so they are still running too.
  const Operation power =
      accepted_operation(api.call("POST", kVmPath + "/power?waitMs=0", R"({"action":"turnoff"})"));
  const Operation removal = accepted_operation(api.call("DELETE", kVmPath + "?waitMs=0"));
  EXPECT_EQ(ensure.kind, OperationKind::kEnsure);
  EXPECT_EQ(power.kind, OperationKind::kPower);
  EXPECT_EQ(removal.kind, OperationKind::kDelete);

  api.gate().open();
  // Work for one VM runs in submission order: the delete finishing means all three have.
  ASSERT_TRUE(api.runner().wait(removal.id, std::chrono::hours(1))->finished());
  for (const Operation& op : {ensure, power, removal}) {
    const auto polled = api.call("GET", "/v1/operations/" + op.id);
    ASSERT_EQ(polled.status, 200) << polled.body;
    EXPECT_EQ(parse_operation(polled.body)->state, OperationState::kSucceeded) << op.id;
  }
  EXPECT_TRUE(api.sim().inventory()->vms.empty());
}

TEST(AgentApiOperationWait, WaitMsNeverExceedsTheAgentsLimit) {
  WaitHarness api(std::chrono::milliseconds(0));
  // The largest waitMs accepted (about 11 days) is cut to the agent's limit of 0.
  const Operation op =
      accepted_operation(api.call("PUT", kVmPath + "?waitMs=999999999", spec_body()));
  EXPECT_EQ(op.kind, OperationKind::kEnsure);
}

TEST(AgentApiOperationWait, WaitMsBelowTheLimitStillAnswers200WhenTheWorkFinishesInTime) {
  WaitHarness api(std::chrono::hours(1));
  api.gate().open();
  const auto response = api.call("PUT", kVmPath + "?waitMs=600000", spec_body());
  ASSERT_EQ(response.status, 200) << response.body;
  const auto op = parse_operation(response.body);
  EXPECT_EQ(op->state, OperationState::kSucceeded);
  EXPECT_TRUE(op->ensure_result->created);
}

TEST(AgentApiOperationWait, InvalidWaitMsIsRefusedBeforeAnyWorkStarts) {
  WaitHarness api(std::chrono::hours(1));
  const char* const invalid[] = {"", "-1", "abc", "1.5", "1e3", "%2B5", "1000000000", "5ms"};
  for (const char* value : invalid) {
    const std::string query = std::string("?waitMs=") + value;
    const std::pair<std::string, std::string> calls[] = {
        {"PUT", kVmPath + query},
        {"POST", kVmPath + "/power" + query},
        {"DELETE", kVmPath + query},
    };
    for (const auto& [method, target] : calls) {
      SCOPED_TRACE(method + " " + target);
      const auto response = api.call(method, target,
                                     method == "PUT"    ? spec_body()
                                     : method == "POST" ? R"({"action":"start"})"
                                                        : "");
      EXPECT_EQ(response.status, 400) << response.body;
      const auto body = testing::body_json(response);
      EXPECT_EQ(body.value("code", ""), "InvalidSpec");
      EXPECT_NE(body.value("message", "").find("query parameter waitMs must be a whole number"),
                std::string::npos)
          << response.body;
    }
  }
  EXPECT_EQ(api.runner().in_flight(), 0u);  // nothing was submitted: the gate was never reached
}

}  // namespace
}  // namespace hvo::agent
