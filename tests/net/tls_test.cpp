#include <gtest/gtest.h>

#include <atomic>

#include "tests/net/net_test_support.h"
#include "tests/net/test_certs.h"

namespace hvo::net {
namespace {

using hvo::testing::TestPki;
using testing::get;
using testing::make_client;
using testing::start_server;
using testing::url_of;

class TlsTest : public ::testing::Test {
 protected:
  std::unique_ptr<HttpServer> start_tls_server(bool require_client_cert) {
    HttpServerConfig config;
    config.tls = TlsServerConfig();
    config.tls->cert_file = pki_.server.cert_file;
    config.tls->key_file = pki_.server.key_file;
    config.tls->client_ca_file = pki_.ca.cert_file;
    config.tls->require_client_cert = require_client_cert;
    return start_server(
        [this](const HttpRequest& request, Responder& responder) {
          ++handled_;
          responder.reply({200, {}, "secure " + request.path});
        },
        config);
  }

  // Sends GET /hello with the given client TLS settings; returns the status or the error.
  Result<HttpResponse> hello(const HttpServer& server, TlsClientConfig tls,
                             const std::string& host = "127.0.0.1") {
    HttpClientConfig config;
    config.base_url = "https://" + host + ":" + std::to_string(server.port());
    config.tls = std::move(tls);
    config.timeout = std::chrono::seconds(10);
    auto client = HttpClient::create(config);
    if (!client.ok())
      return client.error();
    return (*client)->send(get("/hello"));
  }

  TlsClientConfig trusting_ca() {
    TlsClientConfig tls;
    tls.ca_file = pki_.ca.cert_file;
    return tls;
  }

  TestPki pki_;
  std::atomic<int> handled_{0};
};

TEST_F(TlsTest, HttpsWorksWithTheCaFromAFileOrFromPemData) {
  auto server = start_tls_server(false);
  ASSERT_TRUE(server);
  auto from_file = hello(*server, trusting_ca());
  ASSERT_TRUE(from_file.ok()) << from_file.error().message();
  EXPECT_EQ(from_file->body, "secure /hello");

  TlsClientConfig from_pem;
  from_pem.ca_pem = pki_.ca.cert_pem;
  auto with_pem = hello(*server, from_pem);
  ASSERT_TRUE(with_pem.ok()) << with_pem.error().message();
  EXPECT_EQ(with_pem->status, 200);
}

TEST_F(TlsTest, ServerFromAnotherCaIsRefusedUnlessVerificationIsSkipped) {
  auto server = start_tls_server(false);
  ASSERT_TRUE(server);
  TlsClientConfig wrong_ca;
  wrong_ca.ca_file = pki_.other_ca.cert_file;
  auto refused = hello(*server, wrong_ca);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(handled_.load(), 0);

  TlsClientConfig insecure = wrong_ca;
  insecure.insecure_skip_verify = true;
  auto accepted = hello(*server, insecure);
  ASSERT_TRUE(accepted.ok()) << accepted.error().message();
  EXPECT_EQ(accepted->status, 200);
}

TEST_F(TlsTest, ServerNameSetsTheNameTheCertificateMustCarry) {
  auto server = start_tls_server(false);
  ASSERT_TRUE(server);
  TlsClientConfig as_localhost = trusting_ca();
  as_localhost.server_name = "localhost";
  auto named = hello(*server, as_localhost);
  ASSERT_TRUE(named.ok()) << named.error().message();
  EXPECT_EQ(named->status, 200);

  TlsClientConfig wrong_name = trusting_ca();
  wrong_name.server_name = "apiserver.example.com";
  auto refused = hello(*server, wrong_name);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kUnavailable);
}

TEST_F(TlsTest, MutualTlsAcceptsAClientCertificateFromTheTrustedCa) {
  auto server = start_tls_server(true);
  ASSERT_TRUE(server);
  TlsClientConfig files = trusting_ca();
  files.cert_file = pki_.client.cert_file;
  files.key_file = pki_.client.key_file;
  auto with_files = hello(*server, files);
  ASSERT_TRUE(with_files.ok()) << with_files.error().message();
  EXPECT_EQ(with_files->status, 200);

  TlsClientConfig pem = trusting_ca();
  pem.cert_pem = pki_.client.cert_pem;
  pem.key_pem = pki_.client.key_pem;
  auto with_pem = hello(*server, pem);
  ASSERT_TRUE(with_pem.ok()) << with_pem.error().message();
  EXPECT_EQ(with_pem->status, 200);
}

TEST_F(TlsTest, MutualTlsRefusesClientsWithoutACertificateOrFromAnotherCa) {
  auto server = start_tls_server(true);
  ASSERT_TRUE(server);
  auto anonymous = hello(*server, trusting_ca());
  ASSERT_FALSE(anonymous.ok());
  EXPECT_EQ(anonymous.error().code(), ErrorCode::kUnavailable);

  TlsClientConfig foreign = trusting_ca();
  foreign.cert_file = pki_.other_client.cert_file;
  foreign.key_file = pki_.other_client.key_file;
  auto refused = hello(*server, foreign);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(TlsTest, StreamLinesWorksOverMutualTls) {
  HttpServerConfig config;
  config.tls = TlsServerConfig();
  config.tls->cert_file = pki_.server.cert_file;
  config.tls->key_file = pki_.server.key_file;
  config.tls->client_ca_file = pki_.ca.cert_file;
  config.tls->require_client_cert = true;
  auto server = start_server(
      [](const HttpRequest&, Responder& responder) {
        auto stream = responder.stream(200, {});
        stream->write("a\nb\n");
        stream->close();
      },
      config);
  ASSERT_TRUE(server);
  TlsClientConfig tls = trusting_ca();
  tls.cert_pem = pki_.client.cert_pem;
  tls.key_pem = pki_.client.key_pem;
  auto client = make_client(url_of(*server, "https"), tls);
  auto [result, lines] = testing::collect_lines(*client, get("/watch"));
  ASSERT_TRUE(result.ok()) << result.error().message();
  EXPECT_EQ(lines, (std::vector<std::string>{"a", "b"}));
}

TEST_F(TlsTest, ClientRejectsAKeyThatDoesNotMatchItsCertificate) {
  HttpClientConfig config;
  config.base_url = "https://127.0.0.1:6443";
  config.tls.cert_pem = pki_.client.cert_pem;
  config.tls.key_pem = pki_.other_client.key_pem;
  auto client = HttpClient::create(config);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(client.error().message().find("tls.key_pem"), std::string::npos)
      << client.error().message();
}

}  // namespace
}  // namespace hvo::net
