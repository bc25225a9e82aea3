// The real `apiserver-lite` binary (TLS, on a private etcd) under connection storms and the
// refusals its server makes before reading a body or calling a handler.
#include <gtest/gtest.h>

#include "tests/net/socket_storm.h"
#include "tests/servers/storm_checks.h"
#include "tests/support/control_plane.h"

namespace hvo::testing {
namespace {

using net::testing::SlowClientTls;
using net::testing::TlsRawConnection;

class ApiServerE2e : public ::testing::Test {
 protected:
  SlowClientTls tls() const { return {plane_.ca_file(), "", ""}; }
  std::string auth() const { return "Authorization: Bearer " + plane_.admin_token() + "\r\n"; }

  ControlPlane plane_;
};

TEST_F(ApiServerE2e, PlainConnectCloseStormLeavesNoDescriptorBehind) {
  ASSERT_GT(plane_.apiserver_pid(), 0);
  expect_connect_storm_leaves_no_fds("apiserver-lite", plane_.apiserver_pid(),
                                     plane_.apiserver_port());
  auto response = plane_.http_client()->send(plane_.request("GET", "/api/v1/namespaces"));
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ(response->status, 200);
}

TEST_F(ApiServerE2e, ThousandSlowClientsCostNoThreadsAndTheServerStillAnswers) {
  ASSERT_GT(plane_.apiserver_pid(), 0);
  auto client = plane_.http_client();
  expect_slow_clients_cost_no_threads(
      "apiserver-lite", plane_.apiserver_pid(), plane_.apiserver_port(), tls(), [&] {
        auto response = client->send(plane_.request("GET", "/api/v1/namespaces"));
        if (!response.ok())
          ADD_FAILURE() << response.error().message();
        return response.ok() && response->status == 200;
      });
}

TEST_F(ApiServerE2e, OversizedHeadersAndBodiesTraceOptionsAndHeadAreHandledByTheServer) {
  {
    TlsRawConnection client(plane_.apiserver_port(), tls());
    ASSERT_TRUE(client.connected()) << client.error();
    ASSERT_TRUE(client.send_all("GET /api/v1/namespaces HTTP/1.1\r\nHost: x\r\n" + auth() +
                                "X-Big: " + std::string(256 * 1024, 'a') + "\r\n\r\n"));
    auto response = client.read_response();
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->substr(0, 12), "HTTP/1.1 431");
  }
  {
    // 50 MiB announced, none sent: 413 while the client still holds the body.
    TlsRawConnection client(plane_.apiserver_port(), tls());
    ASSERT_TRUE(client.connected()) << client.error();
    ASSERT_TRUE(client.send_all(
        "POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\n" + auth() +
        "Content-Type: application/json\r\nContent-Length: 52428800\r\n\r\n"));
    auto response = client.read_response();
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->substr(0, 12), "HTTP/1.1 413");
  }
  for (const char* method : {"TRACE", "OPTIONS"}) {
    TlsRawConnection client(plane_.apiserver_port(), tls());
    ASSERT_TRUE(client.connected()) << client.error();
    ASSERT_TRUE(
        client.send_all(std::string(method) + " /api HTTP/1.1\r\nHost: x\r\n" + auth() + "\r\n"));
    auto head = client.read_head();
    ASSERT_TRUE(head.has_value()) << method;
    EXPECT_EQ(head->substr(0, 12), "HTTP/1.1 405") << method;
    EXPECT_EQ(head->find(plane_.admin_token()), std::string::npos) << method;
  }
  TlsRawConnection client(plane_.apiserver_port(), tls());
  ASSERT_TRUE(client.connected()) << client.error();
  ASSERT_TRUE(client.send_all("HEAD /version HTTP/1.1\r\nHost: x\r\n" + auth() + "\r\n"));
  auto head = client.read_head();
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->substr(0, 15), "HTTP/1.1 200 OK");
  EXPECT_NE(head->find("Content-Length: "), std::string::npos) << *head;
  ASSERT_TRUE(client.send_all("GET /healthz HTTP/1.1\r\nHost: x\r\n" + auth() + "\r\n"));
  auto get = client.read_response();
  ASSERT_TRUE(get.has_value());
  EXPECT_EQ(get->substr(0, 15), "HTTP/1.1 200 OK");
}

}  // namespace
}  // namespace hvo::testing
