// The server under connection storms, in this process: plain connect/close pairs leave no file
// descriptor behind, and a thousand slow TLS clients cost no thread while a normal request is
// still answered. The same storms run against the agent and apiserver-lite binaries in
// tests/servers.
#include <gtest/gtest.h>

#include "tests/net/net_test_support.h"
#include "tests/net/socket_storm.h"
#include "tests/net/test_certs.h"

namespace hvo::net {
namespace {

using testing::count_fds;
using testing::count_threads;
using testing::eventually;

constexpr int kConnectCloses = 10000;
constexpr int kSlowClients = 1000;
constexpr int kFdSlack = 8;
// I/O threads plus a handler thread or two, whatever else this test process runs.
constexpr int kThreadGrowthBound = 8;

class ServerStorm : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::raise_fd_limit() < 2 * kSlowClients + 256)
      GTEST_SKIP() << "RLIMIT_NOFILE hard limit too low for " << kSlowClients << " clients";
  }

  std::unique_ptr<HttpServer> start_tls_server(bool mutual) {
    HttpServerConfig config;
    config.tls = TlsServerConfig{pki_.server.cert_file, pki_.server.key_file,
                                 mutual ? pki_.ca.cert_file : "", mutual};
    // Long enough that no slow client is dropped during the test: the point is what they cost
    // while they stay.
    config.header_timeout = std::chrono::seconds(60);
    return testing::start_server(
        [](const HttpRequest&, Responder& responder) {
          responder.reply({200, {}, "ok"});
        },
        config);
  }

  hvo::testing::TestPki pki_;
};

TEST_F(ServerStorm, PlainConnectCloseStormLeavesNoDescriptorBehind) {
  auto server = start_tls_server(false);
  ASSERT_TRUE(server);
  const int before = count_fds();
  EXPECT_EQ(testing::connect_close_storm(server->port(), kConnectCloses), 0);
  int after = 0;
  EXPECT_TRUE(eventually(
      [&] {
        after = count_fds();
        return after <= before + kFdSlack;
      },
      std::chrono::seconds(30)))
      << "fds before " << before << ", after " << after;
  std::printf("connect/close storm (in process): fds before %d, after %d\n", before, after);
}

TEST_F(ServerStorm, ThousandSlowTlsClientsCostNoThreadsAndOthersAreServed) {
  auto server = start_tls_server(true);
  ASSERT_TRUE(server);
  const int threads_before = count_threads();
  const int fds_before = count_fds();
  testing::SlowClients slow;
  EXPECT_EQ(slow.open(server->port(), kSlowClients,
                      testing::SlowClientTls{pki_.ca.cert_file, pki_.client.cert_file,
                                             pki_.client.key_file}),
            0);
  const int threads_during = count_threads();
  const int fds_during = count_fds();
  EXPECT_LE(threads_during, threads_before + kThreadGrowthBound);
  // The server holds every slow client's socket (and the test its own end).
  EXPECT_GE(fds_during, fds_before + 2 * kSlowClients - kFdSlack);

  TlsClientConfig tls;
  tls.ca_file = pki_.ca.cert_file;
  tls.cert_file = pki_.client.cert_file;
  tls.key_file = pki_.client.key_file;
  auto client = testing::make_client(testing::url_of(*server, "https"), tls);
  auto response = client->send(testing::get("/during-the-storm"));
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ(response->status, 200);
  std::printf("slow-client storm (in process): threads before %d, during %d; fds %d -> %d\n",
              threads_before, threads_during, fds_before, fds_during);
}

}  // namespace
}  // namespace hvo::net
