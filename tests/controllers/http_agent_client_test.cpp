// HttpAgentClient against a real HTTPS server with mutual TLS (tests/net/test_certs.h) that plays
// the agent: requests as the agent API expects them, answers decoded, errors typed with the host.
#include "controllers/http_agent_client.h"

#include <gtest/gtest.h>

#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "common/metrics/registry.h"
#include "common/net/http_server.h"
#include "controllers/agent_client_cache.h"
#include "tests/net/counting_relay.h"
#include "tests/net/test_certs.h"
#include "tests/support/test_ports.h"

namespace hvo::controllers {
namespace {

using agent::AgentErrorCode;

net::HttpResponse json_reply(int status, const nlohmann::json& body) {
  net::HttpResponse response;
  response.status = status;
  response.headers["Content-Type"] = "application/json";
  response.body = body.dump();
  return response;
}

net::HttpResponse error_reply(AgentErrorCode code, const std::string& message) {
  nlohmann::json body;
  agent::to_json(body, agent::make_error(code, message));
  return json_reply(agent::http_status_for(code), body);
}

agent::Operation finished_operation(agent::OperationKind kind, const std::string& uid) {
  agent::Operation op;
  op.id = "op-1";
  op.kind = kind;
  op.uid = uid;
  op.state = agent::OperationState::kSucceeded;
  op.created_at_unix_ms = 1000;
  op.finished_at_unix_ms = 2000;
  return op;
}

class FakeAgentServer {
 public:
  explicit FakeAgentServer(const testing::TestPki& pki) {
    net::HttpServerConfig config;
    config.port = hvo::testing::reserve_test_port();
    config.tls = net::TlsServerConfig{pki.server.cert_file, pki.server.key_file, pki.ca.cert_file,
                                      /*require_client_cert=*/true};
    auto server = net::HttpServer::start(
        config, [this](const net::HttpRequest& request, net::Responder& responder) {
          std::function<net::HttpResponse(const net::HttpRequest&)> answer;
          {
            std::lock_guard<std::mutex> lock(mu_);
            requests_.push_back(request);
            answer = answer_;
          }
          responder.reply(answer ? answer(request) : net::HttpResponse{500, {}, ""});
        });
    EXPECT_TRUE(server.ok()) << server.error().message();
    server_ = std::move(server).value();
  }

  void answer_with(std::function<net::HttpResponse(const net::HttpRequest&)> answer) {
    std::lock_guard<std::mutex> lock(mu_);
    answer_ = std::move(answer);
  }
  net::HttpRequest last_request() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_.back();
  }
  std::string address() const { return "https://127.0.0.1:" + std::to_string(server_->port()); }
  uint16_t port() const { return server_->port(); }

 private:
  std::unique_ptr<net::HttpServer> server_;
  std::mutex mu_;
  std::vector<net::HttpRequest> requests_;
  std::function<net::HttpResponse(const net::HttpRequest&)> answer_;
};

// An agent that answers every call with operation op-9 of VM u1, still running: 202 to a call
// that changes the host, 200 to a read.
net::HttpResponse operation_op9_running(const net::HttpRequest& request) {
  agent::Operation op;
  op.id = "op-9";
  op.uid = "u1";
  op.state = agent::OperationState::kRunning;
  nlohmann::json body;
  agent::to_json(body, op);
  return json_reply(request.method == "GET" ? 200 : 202, body);
}

class HttpAgentClientTest : public ::testing::Test {
 protected:
  AgentEndpoint endpoint(const testing::TestCertificate& client_cert) const {
    AgentEndpoint endpoint;
    endpoint.host = "hv-01";
    endpoint.address = agent_.address();
    endpoint.credentials = {pki_.ca.cert_pem, client_cert.cert_pem, client_cert.key_pem, "s3cret"};
    endpoint.credentials_version = "1";
    return endpoint;
  }
  std::unique_ptr<HttpAgentClient> client() { return client_for(endpoint(pki_.client)); }
  std::unique_ptr<HttpAgentClient> client_for(const AgentEndpoint& endpoint) {
    auto client = HttpAgentClient::create(endpoint, &metrics_, std::chrono::seconds(10));
    EXPECT_TRUE(client.ok()) << client.error().message();
    return std::move(client).value();
  }
  std::string exposition() const { return registry_.expose(); }

  testing::TestPki pki_;
  FakeAgentServer agent_{pki_};
  metrics::Registry registry_;
  AgentClientMetrics metrics_{registry_};
};

TEST_F(HttpAgentClientTest, HostInfoSendsBearerTokenAndDecodesTheAnswer) {
  agent::HostInfo info;
  info.name = "HV-01";
  info.agent_version = "0.1.0";
  info.capacity = {32, 128LL << 30, 2LL << 40};
  info.switches = {{"external", "External"}};
  agent_.answer_with([&](const net::HttpRequest&) {
    nlohmann::json body;
    agent::to_json(body, info);
    return json_reply(200, body);
  });

  auto result = client()->host_info();

  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->name, "HV-01");
  EXPECT_EQ(result->capacity.cpu, 32);
  ASSERT_EQ(result->switches.size(), 1u);
  EXPECT_EQ(result->switches[0].name, "external");
  const auto request = agent_.last_request();
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.path, "/v1/host");
  EXPECT_EQ(request.header("Authorization"), "Bearer s3cret");
}

TEST_F(HttpAgentClientTest, EnsurePutsTheSpecUnderItsUid) {
  agent::VmSpec spec;
  spec.uid = "5d0c3f6e-1111-4222-8333-444455556666";
  spec.name = "web-1";
  spec.namespace_ = "team-a";
  spec.cpu.count = 4;
  spec.memory.startup_bytes = 4LL << 30;
  agent_.answer_with([&](const net::HttpRequest&) {
    agent::Operation op = finished_operation(agent::OperationKind::kEnsure, spec.uid);
    op.ensure_result = agent::EnsureResult{};
    op.ensure_result->created = true;
    op.ensure_result->vm.uid = spec.uid;
    nlohmann::json body;
    agent::to_json(body, op);
    return json_reply(200, body);
  });

  auto result = client()->ensure(spec);

  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(result->finished());
  ASSERT_TRUE(result->ensure_result);
  EXPECT_TRUE(result->ensure_result->created);
  const auto request = agent_.last_request();
  EXPECT_EQ(request.method, "PUT");
  EXPECT_EQ(request.path, "/v1/vms/" + spec.uid);
  auto sent = agent::parse_vm_spec(request.body);
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(sent->cpu.count, 4);
  EXPECT_EQ(sent->namespace_, "team-a");
}

TEST_F(HttpAgentClientTest, PendingOperationIsReturnedForPolling) {
  agent_.answer_with([](const net::HttpRequest& request) {
    agent::Operation op;
    op.id = "op-7";
    op.kind = agent::OperationKind::kPower;
    op.uid = "u1";
    op.state = agent::OperationState::kRunning;
    op.created_at_unix_ms = 1000;
    if (request.path == "/v1/operations/op-7")
      op.state = agent::OperationState::kSucceeded, op.finished_at_unix_ms = 3000;
    nlohmann::json body;
    agent::to_json(body, op);
    return json_reply(request.method == "POST" ? 202 : 200, body);
  });
  auto agent_client = client();

  auto started = agent_client->power("u1", agent::PowerRequest{agent::PowerAction::kShutdown, 60});
  ASSERT_TRUE(started.ok()) << started.error().message;
  EXPECT_FALSE(started->finished());
  EXPECT_EQ(agent_.last_request().path, "/v1/vms/u1/power");
  auto sent = agent::parse_power_request(agent_.last_request().body);
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(sent->action, agent::PowerAction::kShutdown);
  EXPECT_EQ(sent->timeout_seconds, 60);

  auto polled = agent_client->get_operation(started->id);
  ASSERT_TRUE(polled.ok()) << polled.error().message;
  EXPECT_TRUE(polled->finished());
}

TEST_F(HttpAgentClientTest, OperationWaitIsSentAsWaitMsOnMutatingCallsOnly) {
  agent_.answer_with(operation_op9_running);
  const AgentEndpoint target = endpoint(pki_.client);
  auto waiting = HttpAgentClient::create(target, &metrics_, std::chrono::seconds(10),
                                         std::chrono::milliseconds(0));
  ASSERT_TRUE(waiting.ok()) << waiting.error().message();
  auto& client = *waiting.value();
  agent::VmSpec spec;
  spec.uid = "u1";

  ASSERT_TRUE(client.ensure(spec).ok());
  EXPECT_EQ(agent_.last_request().query_param("waitMs", "absent"), "0");
  ASSERT_TRUE(client.power("u1", {agent::PowerAction::kStart, 60}).ok());
  EXPECT_EQ(agent_.last_request().query_param("waitMs", "absent"), "0");
  ASSERT_TRUE(client.remove("u1").ok());
  EXPECT_EQ(agent_.last_request().method, "DELETE");
  EXPECT_EQ(agent_.last_request().query_param("waitMs", "absent"), "0");
  ASSERT_TRUE(client.get_operation("op-9").ok());
  EXPECT_EQ(agent_.last_request().query_param("waitMs", "absent"), "absent");

  auto longer = HttpAgentClient::create(target, &metrics_, std::chrono::seconds(10),
                                        std::chrono::milliseconds(1500));
  ASSERT_TRUE(longer.ok());
  ASSERT_TRUE(longer.value()->ensure(spec).ok());
  EXPECT_EQ(agent_.last_request().query_param("waitMs", "absent"), "1500");

  // Without an operation wait the agent's own limit applies: nothing is sent.
  ASSERT_TRUE(this->client()->ensure(spec).ok());
  EXPECT_EQ(agent_.last_request().query_param("waitMs", "absent"), "absent");
}

// A replica that no longer holds the leader Lease: the calls that change the host are refused
// before anything is sent, reads go on, and an open fence lets the calls through again.
TEST_F(HttpAgentClientTest, AClosedWriteFenceRefusesCallsThatChangeTheHostUnsent) {
  agent_.answer_with(operation_op9_running);
  auto fenced = client();
  bool open = false;
  fenced->set_write_fence([&open]() -> Status {
    if (open)
      return OkStatus();
    return Error(ErrorCode::kCancelled, "not sent: this replica does not hold the leader Lease");
  });
  agent::VmSpec spec;
  spec.uid = "u1";

  ASSERT_TRUE(fenced->get_operation("op-9").ok());
  auto ensured = fenced->ensure(spec);
  ASSERT_FALSE(ensured.ok());
  EXPECT_NE(ensured.error().message.find("does not hold the leader Lease"), std::string::npos)
      << ensured.error().message;
  EXPECT_FALSE(fenced->power("u1", {agent::PowerAction::kStart, 60}).ok());
  EXPECT_FALSE(fenced->remove("u1").ok());
  EXPECT_EQ(agent_.last_request().method, "GET");  // nothing after the read reached the agent
  EXPECT_EQ(agent_.last_request().path, "/v1/operations/op-9");

  open = true;
  ASSERT_TRUE(fenced->ensure(spec).ok());
  EXPECT_EQ(agent_.last_request().method, "PUT");
}

// The fencing token: every call, reads included, carries the leader's Lease epoch and identity;
// a call without a term (not leading) carries neither.
TEST_F(HttpAgentClientTest, EveryCallCarriesTheLeaseEpochWhileLeading) {
  agent_.answer_with(operation_op9_running);
  auto stamped = client();
  std::optional<agent::LeaseEpoch> term = agent::LeaseEpoch{7, "operator-a-x1"};
  stamped->set_lease_epoch([&term] { return term; }, nullptr);
  agent::VmSpec spec;
  spec.uid = "u1";

  ASSERT_TRUE(stamped->get_operation("op-9").ok());
  EXPECT_EQ(agent_.last_request().header("X-Hvo-Lease-Epoch"), "7");
  EXPECT_EQ(agent_.last_request().header("X-Hvo-Lease-Holder"), "operator-a-x1");
  ASSERT_TRUE(stamped->ensure(spec).ok());
  EXPECT_EQ(agent_.last_request().method, "PUT");
  EXPECT_EQ(agent_.last_request().header("X-Hvo-Lease-Epoch"), "7");
  ASSERT_TRUE(stamped->remove("u1").ok());
  EXPECT_EQ(agent_.last_request().method, "DELETE");
  EXPECT_EQ(agent_.last_request().header("X-Hvo-Lease-Epoch"), "7");

  term.reset();
  ASSERT_TRUE(stamped->ensure(spec).ok());
  EXPECT_EQ(agent_.last_request().header("X-Hvo-Lease-Epoch", "absent"), "absent");
  EXPECT_EQ(agent_.last_request().header("X-Hvo-Lease-Holder", "absent"), "absent");
}

// An agent that has seen a later leader refuses the call: a typed, non-retryable error, and the
// superseded handler hears of it (once per refusal).
TEST_F(HttpAgentClientTest, AStaleLeaseEpochRefusalIsFinalAndReported) {
  agent_.answer_with([](const net::HttpRequest&) {
    return error_reply(AgentErrorCode::kStaleLeaseEpoch,
                       "leader Lease epoch 3 (holder a) is older than epoch 4 (holder b)");
  });
  auto stamped = client();
  std::vector<AgentError> heard;
  stamped->set_lease_epoch(
      [] {
        return agent::LeaseEpoch{3, "a"};
      },
      [&heard](const AgentError& refusal) { heard.push_back(refusal); });
  agent::VmSpec spec;
  spec.uid = "u1";

  auto result = stamped->ensure(spec);

  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().is(AgentErrorCode::kStaleLeaseEpoch));
  EXPECT_EQ(result.error().http_status, 409);
  EXPECT_FALSE(result.error().retryable());
  ASSERT_EQ(heard.size(), 1u);
  EXPECT_EQ(heard[0].host, "hv-01");
  EXPECT_EQ(heard[0].operation, "ensure");
  EXPECT_NE(heard[0].message.find("epoch 3 (holder a) is older than epoch 4"), std::string::npos)
      << heard[0].message;
  EXPECT_NE(exposition().find("hyperv_agent_request_errors_total{host=\"hv-01\",operation="
                              "\"ensure\",code=\"StaleLeaseEpoch\"} 1"),
            std::string::npos);
}

TEST_F(HttpAgentClientTest, NegativeOperationWaitIsRefusedAtCreation) {
  auto client = HttpAgentClient::create(endpoint(pki_.client), &metrics_, std::chrono::seconds(1),
                                        std::chrono::milliseconds(-1));
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(client.error().message().find("host hv-01: the operation wait must not be negative"),
            std::string::npos);
}

TEST_F(HttpAgentClientTest, AgentErrorBodyBecomesATypedErrorNamingHostAndCall) {
  agent_.answer_with([](const net::HttpRequest&) {
    return error_reply(AgentErrorCode::kImageNotFound, "image rocky-10 is not on the host");
  });
  agent::VmSpec spec;
  spec.uid = "u1";

  auto result = client()->ensure(spec);

  ASSERT_FALSE(result.ok());
  const AgentError& error = result.error();
  EXPECT_EQ(error.failure, AgentFailure::kRejected);
  EXPECT_TRUE(error.is(AgentErrorCode::kImageNotFound));
  EXPECT_EQ(error.http_status, agent::http_status_for(AgentErrorCode::kImageNotFound));
  EXPECT_FALSE(error.retryable());
  EXPECT_EQ(error.message, "host hv-01: ensure: ImageNotFound: image rocky-10 is not on the host");
  EXPECT_NE(exposition().find("hyperv_agent_request_errors_total{host=\"hv-01\",operation="
                              "\"ensure\",code=\"ImageNotFound\"} 1"),
            std::string::npos);
}

TEST_F(HttpAgentClientTest, RemovingAVmTheAgentDoesNotKnowSucceeds) {
  agent_.answer_with([](const net::HttpRequest&) {
    return error_reply(AgentErrorCode::kNotFound, "no managed vm with uid u1");
  });

  auto result = client()->remove("u1");

  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->state, agent::OperationState::kSucceeded);
  EXPECT_EQ(agent_.last_request().method, "DELETE");
  EXPECT_EQ(exposition().find("hyperv_agent_request_errors_total{"), std::string::npos);
}

TEST_F(HttpAgentClientTest, MalformedAnswerIsABadResponse) {
  agent_.answer_with([](const net::HttpRequest&) { return json_reply(200, {{"vms", 7}}); });

  auto result = client()->inventory();

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().failure, AgentFailure::kBadResponse);
  EXPECT_TRUE(result.error().retryable());
  EXPECT_EQ(result.error().message.rfind("host hv-01: inventory: unreadable answer", 0), 0u)
      << result.error().message;
}

TEST_F(HttpAgentClientTest, ClientCertificateFromAnotherCaIsRefusedAsUnreachable) {
  auto result = client_for(endpoint(pki_.other_client))->host_info();

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().failure, AgentFailure::kUnreachable);
  EXPECT_TRUE(result.error().retryable());
  EXPECT_NE(exposition().find("code=\"Unreachable\"} 1"), std::string::npos);
}

TEST_F(HttpAgentClientTest, NothingListeningIsUnreachableAndTimed) {
  AgentEndpoint nowhere = endpoint(pki_.client);
  nowhere.address = "https://127.0.0.1:" + std::to_string(hvo::testing::reserve_test_port());

  auto result = client_for(nowhere)->inventory();

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().failure, AgentFailure::kUnreachable);
  EXPECT_EQ(result.error().http_status, 0);
  EXPECT_NE(exposition().find("hyperv_agent_request_duration_seconds_count{host=\"hv-01\","
                              "operation=\"inventory\"} 1"),
            std::string::npos);
}

TEST_F(HttpAgentClientTest, PlainHttpAddressIsRefusedAtCreation) {
  AgentEndpoint plain = endpoint(pki_.client);
  plain.address = "http://127.0.0.1:9443";

  auto client = HttpAgentClient::create(plain, &metrics_, std::chrono::seconds(1));

  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(client.error().message().find("host hv-01: spec.address must be an https URL"),
            std::string::npos);
}

TEST_F(HttpAgentClientTest, ForgettingAHostDropsItsSeries) {
  agent_.answer_with([](const net::HttpRequest&) {
    return error_reply(AgentErrorCode::kBusy, "too much queued work");
  });
  auto result = client()->inventory();
  ASSERT_FALSE(result.ok());
  ASSERT_NE(exposition().find("host=\"hv-01\""), std::string::npos);

  metrics_.forget_host("hv-01");

  EXPECT_EQ(exposition().find("host=\"hv-01\""), std::string::npos);
}

// Answers GET /v1/host and GET /v1/vms (three VMs) as an agent would.
net::HttpResponse poll_answer(const net::HttpRequest& request) {
  nlohmann::json body;
  if (request.path == "/v1/host") {
    agent::HostInfo info;
    info.name = "HV-01";
    agent::to_json(body, info);
  } else {
    agent::Inventory inventory;
    inventory.vms.resize(3);
    for (std::size_t i = 0; i < inventory.vms.size(); ++i)
      inventory.vms[i].uid = "uid-" + std::to_string(i);
    agent::to_json(body, inventory);
  }
  return json_reply(200, body);
}

// One host poll as the reconciler makes it: host_info, then inventory.
void poll_once(AgentClient& client) {
  auto info = client.host_info();
  ASSERT_TRUE(info.ok()) << info.error().message;
  auto inventory = client.inventory();
  ASSERT_TRUE(inventory.ok()) << inventory.error().message;
  EXPECT_EQ(inventory->vms.size(), 3u);
}

constexpr int kPolls = 10;

// The host monitor's polls through the client cache ride one kept-alive TLS connection: an idle
// operator does not handshake with each agent every few seconds. inventory follows host_info at
// once; HttpClient::send() returns only once cpprest has put the connection back in its pool, so
// the second call reuses it (before that, many polls opened a second one). That wait is
// bounded (20 ms), so a test process starved of CPU may still see a second connection.
TEST_F(HttpAgentClientTest, ConsecutivePollsReuseTheirTlsConnections) {
  agent_.answer_with(poll_answer);
  net::testing::CountingRelay relay(agent_.port());
  AgentEndpoint through_relay = endpoint(pki_.client);
  through_relay.address = "https://127.0.0.1:" + std::to_string(relay.port());
  HttpAgentConnector connector(&metrics_, std::chrono::seconds(10));
  AgentClientCache cache(connector);

  for (int poll = 0; poll < kPolls; ++poll) {
    auto client = cache.get(through_relay);
    ASSERT_TRUE(client.ok()) << client.error().message();
    poll_once(*client.value());
  }

  EXPECT_GE(relay.connections(), 1);
  EXPECT_LE(relay.connections(), 2) << "requests: " << 2 * kPolls;
}

// What the test above rules out, so the relay is seen to count: a client built per poll
// handshakes on every poll.
TEST_F(HttpAgentClientTest, AClientBuiltPerPollHandshakesEveryPoll) {
  agent_.answer_with(poll_answer);
  net::testing::CountingRelay relay(agent_.port());
  AgentEndpoint through_relay = endpoint(pki_.client);
  through_relay.address = "https://127.0.0.1:" + std::to_string(relay.port());

  for (int poll = 0; poll < kPolls; ++poll)
    poll_once(*client_for(through_relay));

  EXPECT_GE(relay.connections(), kPolls);
}

}  // namespace
}  // namespace hvo::controllers
