// The agent over real HTTPS on loopback: mutual TLS refusals, token refusals, every endpoint,
// idempotent ensure, crash convergence, restart persistence, resource refusal and injected
// failures, as the operator's client would see them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hostagent/protocol/host_info.h"
#include "hostagent/protocol/operation.h"
#include "tests/agent/support/agent_process.h"
#include "tests/agent/support/sample_spec.h"
#include "tests/support/test_ports.h"

namespace hvo::agent {
namespace {

using testing::ClientCert;
using testing::RunningAgent;
using testing::sample_spec;

std::string spec_body(const VmSpec& spec) {
  return nlohmann::json(spec).dump();
}
std::string code_of(const net::HttpResponse& response) {
  return nlohmann::json::parse(response.body).value("code", "");
}

class AgentOverTls : public ::testing::Test {
 protected:
  void SetUp() override { agent_.start(); }
  RunningAgent agent_;
};

TEST_F(AgentOverTls, ClientWithoutCertificateIsRefusedAtTheHandshake) {
  const auto response = agent_.call("GET", "/healthz", "", "", ClientCert::kNone);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code(), ErrorCode::kUnavailable);
}

TEST_F(AgentOverTls, ClientCertificateFromAnotherCaIsRefusedAtTheHandshake) {
  const auto response =
      agent_.call("GET", "/v1/host", "", testing::kTestToken, ClientCert::kForeign);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code(), ErrorCode::kUnavailable);
}

TEST_F(AgentOverTls, TrustedCertificateWithoutOrWithWrongTokenIsUnauthorized) {
  for (const std::string token : {"", "not-the-token"}) {
    SCOPED_TRACE(token);
    const auto response = agent_.call("GET", "/v1/vms", "", token);
    ASSERT_TRUE(response.ok()) << response.error().message();
    EXPECT_EQ(response->status, 401);
    EXPECT_EQ(code_of(*response), "Unauthorized");
  }
}

TEST_F(AgentOverTls, EveryEndpointAnswers) {
  const VmSpec spec = sample_spec();
  const std::string vm = "/v1/vms/" + spec.uid;
  EXPECT_EQ(agent_.call("GET", "/healthz", "", "")->status, 200);
  const auto host = agent_.call("GET", "/v1/host");
  ASSERT_EQ(host->status, 200);
  EXPECT_EQ(parse_host_info(host->body)->driver, "sim");

  const auto put = agent_.call("PUT", vm, spec_body(spec));
  ASSERT_EQ(put->status, 200) << put->body;
  const auto op = parse_operation(put->body);
  ASSERT_TRUE(op.ok());
  EXPECT_TRUE(op->ensure_result->created);

  const auto polled = agent_.call("GET", "/v1/operations/" + op->id);
  ASSERT_EQ(polled->status, 200);
  EXPECT_EQ(parse_operation(polled->body)->state, OperationState::kSucceeded);

  EXPECT_EQ(agent_.call("GET", vm)->status, 200);
  EXPECT_EQ(parse_inventory(agent_.call("GET", "/v1/vms")->body)->vms.size(), 1u);
  const auto power = agent_.call("POST", vm + "/power", R"({"action":"shutdown"})");
  ASSERT_EQ(power->status, 200) << power->body;
  const auto metrics = agent_.call("GET", "/metrics");
  ASSERT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("hyperv_agent_http_requests_total"), std::string::npos);
  EXPECT_NE(metrics->body.find("process_resident_memory_bytes"), std::string::npos);
  EXPECT_EQ(agent_.call("DELETE", vm)->status, 200);
  EXPECT_EQ(agent_.call("GET", vm)->status, 404);
}

TEST_F(AgentOverTls, SameEnsureTwiceMakesOneVm) {
  const VmSpec spec = sample_spec();
  ASSERT_EQ(agent_.call("PUT", "/v1/vms/" + spec.uid, spec_body(spec))->status, 200);
  const auto again = agent_.call("PUT", "/v1/vms/" + spec.uid, spec_body(spec));
  ASSERT_EQ(again->status, 200);
  EXPECT_FALSE(parse_operation(again->body)->ensure_result->created);
  EXPECT_EQ(parse_inventory(agent_.call("GET", "/v1/vms")->body)->vms.size(), 1u);
}

TEST_F(AgentOverTls, CrashBetweenCreateAndConfigureConvergesWithoutSecondVm) {
  const VmSpec spec = sample_spec();
  ASSERT_EQ(
      agent_.call("PUT", "/v1/sim/faults", R"({"crashAfterCreate":[")" + spec.uid + "\"]}")->status,
      200);
  const auto crashed = agent_.call("PUT", "/v1/vms/" + spec.uid, spec_body(spec));
  EXPECT_EQ(crashed->status, 502);
  EXPECT_EQ(code_of(*crashed), "DriverError");
  const auto converged = agent_.call("PUT", "/v1/vms/" + spec.uid, spec_body(spec));
  ASSERT_EQ(converged->status, 200) << converged->body;
  const auto result = parse_operation(converged->body)->ensure_result;
  EXPECT_FALSE(result->created);
  EXPECT_EQ(result->vm.nics.size(), 1u);
  EXPECT_EQ(parse_inventory(agent_.call("GET", "/v1/vms")->body)->vms.size(), 1u);
}

TEST_F(AgentOverTls, InjectedFailuresSurfaceAsTheirCodes) {
  const VmSpec spec = sample_spec();
  ASSERT_EQ(agent_.call("PUT", "/v1/sim/faults", R"({"createFailureRatio":1.0})")->status, 200);
  const auto failed = agent_.call("PUT", "/v1/vms/" + spec.uid, spec_body(spec));
  EXPECT_EQ(failed->status, 502);
  EXPECT_EQ(code_of(*failed), "DriverError");
  ASSERT_EQ(agent_.call("PUT", "/v1/sim/faults", R"({"hostDown":true})")->status, 200);
  const auto down = agent_.call("GET", "/v1/vms");
  EXPECT_EQ(down->status, 503);
  EXPECT_EQ(code_of(*down), "HostUnavailable");
}

TEST(AgentOverTlsCapacity, VmThatDoesNotFitIsRefused) {
  RunningAgent agent;
  agent.config().sim.capacity = {2, 64LL << 30, 1LL << 40};
  agent.start();
  VmSpec spec = sample_spec();
  spec.cpu.count = 4;
  const auto refused = agent.call("PUT", "/v1/vms/" + spec.uid, spec_body(spec));
  EXPECT_EQ(refused->status, 409);
  EXPECT_EQ(code_of(*refused), "InsufficientResources");
}

TEST(AgentRestart, SimVmsSurviveAnAgentRestart) {
  hvo::testing::TempDir shared;
  const VmSpec spec = sample_spec();
  std::string vm_id;
  {
    RunningAgent first(shared.path() + "/data");
    first.start();
    const auto put = first.call("PUT", "/v1/vms/" + spec.uid, spec_body(spec));
    ASSERT_EQ(put->status, 200);
    vm_id = parse_operation(put->body)->ensure_result->vm.vm_id;
  }
  RunningAgent second(shared.path() + "/data");
  second.start();
  const auto inventory = parse_inventory(second.call("GET", "/v1/vms")->body);
  ASSERT_EQ(inventory->vms.size(), 1u);
  EXPECT_EQ(inventory->vms[0].vm_id, vm_id);
  EXPECT_EQ(inventory->vms[0].state, VmState::kRunning);
}

TEST(AgentStartup, BadTlsFilesAreAClearStartUpError) {
  RunningAgent agent;
  agent.config().tls.cert_file = "/nonexistent/server.crt";
  agent.config().listen_port = hvo::testing::reserve_test_port();
  const auto app = AgentApp::start(agent.config());
  ASSERT_FALSE(app.ok());
  EXPECT_NE(app.error().message().find("/nonexistent/server.crt"), std::string::npos)
      << app.error().message();
}

TEST(AgentStartup, MissingTokenFileIsAClearStartUpError) {
  RunningAgent agent;
  agent.config().token_file = "/nonexistent/token";
  agent.config().listen_port = hvo::testing::reserve_test_port();
  const auto app = AgentApp::start(agent.config());
  ASSERT_FALSE(app.ok());
  EXPECT_NE(app.error().message().find("auth.tokenFile"), std::string::npos)
      << app.error().message();
}

}  // namespace
}  // namespace hvo::agent
