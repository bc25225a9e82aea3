// The leader-Lease fence on the real hyperv-agent binary (sim driver), over HTTPS with mutual
// TLS: a call that changes the host under an epoch older than one the agent has seen is refused
// with 409 StaleLeaseEpoch naming both epochs; reads are served whatever their epoch; calls
// without the header are served (no leader election); the agent started again still knows the
// epoch; each change is logged with the caller's epoch and holder.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "common/net/http_client.h"
#include "common/process/process.h"
#include "hostagent/protocol/vm_spec.h"
#include "tests/agent/support/api_fixture.h"
#include "tests/agent/support/sample_spec.h"
#include "tests/net/test_certs.h"
#include "tests/support/test_ports.h"

namespace hvo::agent {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class LeaseEpochE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::write_secret(dir_.path() + "/token", std::string(testing::kTestToken) + "\n");
    port_ = hvo::testing::reserve_test_port();
    std::ofstream(dir_.path() + "/agent.yaml")
        << "listen: 127.0.0.1:" << port_ << "\n"
        << "tls: {certFile: " << pki_.server.cert_file << ", keyFile: " << pki_.server.key_file
        << ", clientCAFile: " << pki_.ca.cert_file << "}\n"
        << "auth: {tokenFile: " << dir_.path() << "/token}\n"
        << "driver: sim\n"
        << "paths: {dataDir: " << dir_.path() << "/data}\n"
        << "sim: {stateFile: " << dir_.path() << "/data/sim-state.json}\n";
    start();
  }
  void TearDown() override {
    if (agent_)
      agent_->stop(10s);
  }

  void start() {
    process::Options options;
    options.argv = {std::string(HVO_BINARY_DIR) + "/hostagent/hyperv-agent", "serve", "--config",
                    dir_.path() + "/agent.yaml"};
    options.std_out = process::Stdio::append_to(log_path());
    options.std_err = process::Stdio::append_to(log_path());
    options.new_process_group = true;
    auto spawned = process::Process::spawn(options);
    ASSERT_TRUE(spawned.ok()) << spawned.error().message();
    agent_ = std::make_unique<process::Process>(std::move(spawned).value());
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto health = call("GET", "/healthz", "", std::nullopt);
      if (health.ok() && health->status == 200)
        return;
      std::this_thread::sleep_for(100ms);
    }
    FAIL() << "the agent did not answer /healthz; log:\n" << read_text(log_path());
  }
  void restart() {
    agent_->stop(10s);
    agent_.reset();
    start();
  }
  std::string log_path() const { return dir_.path() + "/agent.log"; }

  // `epoch` nullopt: no fence headers (a replica without leader election).
  Result<net::HttpResponse> call(const std::string& method, const std::string& path,
                                 const std::string& body, std::optional<std::string> epoch,
                                 const std::string& holder = "") {
    net::HttpClientConfig config;
    config.base_url = "https://127.0.0.1:" + std::to_string(port_);
    config.tls.ca_file = pki_.ca.cert_file;
    config.tls.cert_file = pki_.client.cert_file;
    config.tls.key_file = pki_.client.key_file;
    config.timeout = 30s;
    auto client = net::HttpClient::create(config);
    if (!client.ok())
      return client.error();
    net::HttpRequest request;
    request.method = method;
    request.path = path;
    request.body = body;
    if (!body.empty())
      request.headers["Content-Type"] = "application/json";
    request.headers["Authorization"] = std::string("Bearer ") + testing::kTestToken;
    if (epoch) {
      request.headers["X-Hvo-Lease-Epoch"] = *epoch;
      request.headers["X-Hvo-Lease-Holder"] = holder;
    }
    return (*client)->send(request);
  }

  // The status of `method path` sent with `epoch`; its body in `body_out`.
  int status_of(const std::string& method, const std::string& path, const std::string& body,
                std::optional<int64_t> epoch, const std::string& holder = "",
                json* body_out = nullptr) {
    auto response =
        call(method, path, body,
             epoch ? std::optional<std::string>(std::to_string(*epoch)) : std::nullopt, holder);
    EXPECT_TRUE(response.ok()) << (response.ok() ? "" : response.error().message());
    if (!response.ok())
      return 0;
    if (body_out)
      *body_out = json::parse(response->body, nullptr, false);
    return response->status;
  }

  int ensure(const VmSpec& spec, std::optional<int64_t> epoch, const std::string& holder = "",
             json* body_out = nullptr) {
    return status_of("PUT", "/v1/vms/" + spec.uid, json(spec).dump(), epoch, holder, body_out);
  }

  hvo::testing::TempDir dir_;
  hvo::testing::TestPki pki_;
  uint16_t port_ = 0;
  std::unique_ptr<process::Process> agent_;
};

TEST_F(LeaseEpochE2e, AChangeUnderAnOlderEpochIsRefusedNamingBothReadsAreServed) {
  const VmSpec vm = testing::sample_spec("0f1e2d3c-4b5a-6978-8a9b-000000000001");
  EXPECT_EQ(ensure(vm, 4, "operator-a-1"), 200);
  // The new leader's first host poll is how the agent learns its epoch.
  EXPECT_EQ(status_of("GET", "/v1/host", "", 5, "operator-b-2"), 200);

  json refusal;
  EXPECT_EQ(status_of("POST", "/v1/vms/" + vm.uid + "/power", R"({"action":"turnoff"})", 4,
                      "operator-a-1", &refusal),
            409);
  EXPECT_EQ(refusal.value("code", ""), "StaleLeaseEpoch");
  const std::string message = refusal.value("message", "");
  EXPECT_NE(message.find("epoch 4 (holder operator-a-1)"), std::string::npos) << message;
  EXPECT_NE(message.find("epoch 5 (holder operator-b-2)"), std::string::npos) << message;
  EXPECT_EQ(status_of("DELETE", "/v1/vms/" + vm.uid, "", 4, "operator-a-1"), 409);

  // A read under the old epoch is served; the VM was neither stopped nor removed.
  json status;
  EXPECT_EQ(status_of("GET", "/v1/vms/" + vm.uid, "", 4, "operator-a-1", &status), 200);
  EXPECT_EQ(status.value("uid", ""), vm.uid);
  EXPECT_EQ(status.value("state", ""), "Running") << status.dump();

  // The current leader's changes go through, and so does a call without the header.
  EXPECT_EQ(status_of("POST", "/v1/vms/" + vm.uid + "/power", R"({"action":"turnoff"})", 5,
                      "operator-b-2"),
            200);
  EXPECT_EQ(
      status_of("POST", "/v1/vms/" + vm.uid + "/power", R"({"action":"start"})", std::nullopt),
      200);

  // Every change is in the log with the caller's epoch and holder.
  const std::string log = read_text(log_path());
  EXPECT_NE(log.find("write_served method=POST route=/v1/vms/{uid}/power uid=" + vm.uid +
                     " status=409 error=StaleLeaseEpoch leaseEpoch=4 leaseHolder=operator-a-1"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("status=200 error=- leaseEpoch=5 leaseHolder=operator-b-2"), std::string::npos)
      << log;
  EXPECT_NE(log.find("status=200 error=- leaseEpoch=none leaseHolder=none"), std::string::npos)
      << log;
}

TEST_F(LeaseEpochE2e, TheAgentStartedAgainStillRefusesTheFormerLeader) {
  const VmSpec vm = testing::sample_spec("0f1e2d3c-4b5a-6978-8a9b-000000000002");
  EXPECT_EQ(status_of("GET", "/v1/vms", "", 8, "operator-b-2"), 200);
  restart();
  json refusal;
  EXPECT_EQ(ensure(vm, 7, "operator-a-1", &refusal), 409);
  EXPECT_EQ(refusal.value("code", ""), "StaleLeaseEpoch");
  EXPECT_EQ(ensure(vm, 8, "operator-b-2"), 200);
  EXPECT_EQ(ensure(vm, 9, "operator-c-3"), 200);
  restart();
  EXPECT_EQ(ensure(vm, 8, "operator-b-2"), 409);
}

TEST_F(LeaseEpochE2e, AMalformedEpochIsRefusedAsInvalid) {
  const VmSpec vm = testing::sample_spec("0f1e2d3c-4b5a-6978-8a9b-000000000003");
  for (const std::string bad : {"-1", "7x", "99999999999999999999"}) {
    SCOPED_TRACE(bad);
    auto answer = call("PUT", "/v1/vms/" + vm.uid, json(vm).dump(), bad, "operator-a-1");
    ASSERT_TRUE(answer.ok()) << answer.error().message();
    EXPECT_EQ(answer->status, 400);
    EXPECT_EQ(json::parse(answer->body, nullptr, false).value("code", ""), "InvalidSpec");
  }
  EXPECT_EQ(status_of("GET", "/v1/vms/" + vm.uid, "", std::nullopt), 404);  // nothing created
}

}  // namespace
}  // namespace hvo::agent
