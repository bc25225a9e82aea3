// The real `hyperv-agent` binary (sim driver, mutual TLS, bearer token) under connection storms
// and the refusals its server makes before reading a body or calling the API.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/net/socket_storm.h"
#include "tests/servers/storm_checks.h"
#include "tests/support/operator_cluster.h"

namespace hvo::testing {
namespace {

using net::testing::SlowClientTls;
using net::testing::TlsRawConnection;

class AgentServerE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    agent_ = std::make_unique<SimAgent>(SimHostShape{"hv-storm", "rack-a", "ssd"},
                                        dir_.path() + "/agent", OperatorClusterOptions());
    agent_->start();
    ASSERT_GT(agent_->pid(), 0);
  }

  SlowClientTls client_tls() const {
    return {agent_->dir() + "/ca.crt", agent_->dir() + "/client.crt",
            agent_->dir() + "/client.key"};
  }

  TempDir dir_;
  std::unique_ptr<SimAgent> agent_;
};

TEST_F(AgentServerE2e, PlainConnectCloseStormLeavesNoDescriptorBehind) {
  expect_connect_storm_leaves_no_fds("hyperv-agent", agent_->pid(), agent_->port());
  EXPECT_NO_THROW(agent_->inventory());
}

TEST_F(AgentServerE2e, ThousandSlowClientsCostNoThreadsAndTheAgentStillAnswers) {
  expect_slow_clients_cost_no_threads("hyperv-agent", agent_->pid(), agent_->port(), client_tls(),
                                      [&] {
                                        try {
                                          agent_->inventory();
                                          return true;
                                        } catch (const std::exception& e) {
                                          ADD_FAILURE() << e.what();
                                          return false;
                                        }
                                      });
}

// The client announces 50 MiB and sends none of it: a wrong token gets 401 and a right token
// with a body over the API's limit gets 413, both as the agent's JSON errors, before the body.
TEST_F(AgentServerE2e, TokenAndBodySizeAreCheckedBeforeTheBodyIsRead) {
  const std::string announce =
      "PUT /v1/vms/0d1f4a5e-0000-4000-8000-000000000001 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Content-Type: application/json\r\nContent-Length: 52428800\r\n";
  {
    TlsRawConnection client(agent_->port(), client_tls());
    ASSERT_TRUE(client.connected()) << client.error();
    ASSERT_TRUE(client.send_all(announce + "Authorization: Bearer not-the-token\r\n\r\n"));
    auto response = client.read_response();
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->substr(0, 12), "HTTP/1.1 401");
    EXPECT_NE(response->find("\"code\":\"Unauthorized\""), std::string::npos) << *response;
  }
  {
    TlsRawConnection client(agent_->port(), client_tls());
    ASSERT_TRUE(client.connected()) << client.error();
    ASSERT_TRUE(
        client.send_all(announce + "Authorization: Bearer " + agent_->token() + "\r\n\r\n"));
    auto response = client.read_response();
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->substr(0, 12), "HTTP/1.1 413");
    EXPECT_NE(response->find("\"code\":\"PayloadTooLarge\""), std::string::npos) << *response;
  }
}

TEST_F(AgentServerE2e, OversizedHeadersTraceOptionsAndHeadAreHandledByTheServer) {
  TlsRawConnection big(agent_->port(), client_tls());
  ASSERT_TRUE(big.connected()) << big.error();
  ASSERT_TRUE(big.send_all(
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(256 * 1024, 'a') + "\r\n\r\n"));
  auto too_big = big.read_response();
  ASSERT_TRUE(too_big.has_value());
  EXPECT_EQ(too_big->substr(0, 12), "HTTP/1.1 431");

  for (const char* method : {"TRACE", "OPTIONS"}) {
    TlsRawConnection client(agent_->port(), client_tls());
    ASSERT_TRUE(client.connected()) << client.error();
    ASSERT_TRUE(client.send_all(std::string(method) + " /v1/vms HTTP/1.1\r\nHost: x\r\n" +
                                "Authorization: Bearer " + agent_->token() + "\r\n\r\n"));
    auto head = client.read_head();
    ASSERT_TRUE(head.has_value()) << method;
    EXPECT_EQ(head->substr(0, 12), "HTTP/1.1 405") << method;
    EXPECT_EQ(head->find(agent_->token()), std::string::npos) << method;
  }

  TlsRawConnection client(agent_->port(), client_tls());
  ASSERT_TRUE(client.connected()) << client.error();
  ASSERT_TRUE(client.send_all("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto head = client.read_head();
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->substr(0, 15), "HTTP/1.1 200 OK");
  EXPECT_NE(head->find("Content-Length: 3"), std::string::npos) << *head;
  // No body came: the next response on the connection starts right away.
  ASSERT_TRUE(client.send_all("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto get = client.read_response();
  ASSERT_TRUE(get.has_value());
  EXPECT_EQ(*get, "HTTP/1.1 200 OK\nok\n");
}

}  // namespace
}  // namespace hvo::testing
