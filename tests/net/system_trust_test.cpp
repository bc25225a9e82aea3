// The system trust store and cpprest's new connections (common/net/detail/client_tls.h): a client
// with its own CA never pays for parsing the system bundle, and a client without one still trusts
// exactly the system store. Its own test binary: the first client of a process moves OpenSSL's
// default locations, so "the system store" is set here, before any client exists.
#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdlib.h>

#include <cstdlib>

#include "tests/net/net_test_support.h"
#include "tests/net/test_certs.h"

namespace hvo::net {
namespace {

using hvo::testing::TestPki;
using testing::get;
using testing::make_client;
using testing::start_server;
using testing::url_of;

// Objects a fresh context's store holds after set_default_verify_paths(), as cpprest calls it.
int default_trust_objects() {
  SSL_CTX* context = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_default_verify_paths(context);
  const int objects = sk_X509_OBJECT_num(X509_STORE_get0_objects(SSL_CTX_get_cert_store(context)));
  SSL_CTX_free(context);
  return objects;
}

std::unique_ptr<HttpServer> start_tls_server(const hvo::testing::TestCertificate& certificate) {
  HttpServerConfig config;
  config.tls = TlsServerConfig();
  config.tls->cert_file = certificate.cert_file;
  config.tls->key_file = certificate.key_file;
  return start_server(
      [](const HttpRequest&, Responder& responder) {
        responder.reply({200, {}, "ok"});
      },
      config);
}

TEST(SystemTrust, NewConnectionsSkipTheSystemBundleAndClientsWithoutACaStillTrustIt) {
  TestPki pki;
  // This process's "system" trust store: the test CA alone.
  setenv(X509_get_default_cert_file_env(), pki.ca.cert_file.c_str(), 1);
  setenv(X509_get_default_cert_dir_env(), pki.dir.path().c_str(), 1);
  ASSERT_EQ(default_trust_objects(), 1);
  auto server = start_tls_server(pki.server);
  ASSERT_TRUE(server);

  auto system_trusting = make_client(url_of(*server, "https"));
  ASSERT_TRUE(system_trusting);

  // What cpprest's per-connection set_default_verify_paths() loads from now on: nothing.
  EXPECT_EQ(default_trust_objects(), 0);
  auto answer = system_trusting->send(get("/"));
  ASSERT_TRUE(answer.ok()) << answer.error().message();
  EXPECT_EQ(answer->status, 200);

  TlsClientConfig own_ca;
  own_ca.ca_pem = pki.ca.cert_pem;
  auto with_ca = make_client(url_of(*server, "https"), own_ca);
  ASSERT_TRUE(with_ca);
  auto trusted = with_ca->send(get("/"));
  ASSERT_TRUE(trusted.ok()) << trusted.error().message();

  // A server from a CA the system store lacks is refused, as before.
  hvo::testing::CertificateSpec spec;
  spec.common_name = "localhost";
  spec.ip_addresses = {"127.0.0.1"};
  spec.server_auth = true;
  auto stranger = hvo::testing::issue_certificate(pki.other_ca, spec);
  hvo::testing::write_files(stranger, pki.dir.path(), "stranger");
  auto other_server = start_tls_server(stranger);
  ASSERT_TRUE(other_server);
  auto refusing = make_client(url_of(*other_server, "https"));
  ASSERT_TRUE(refusing);
  auto refused = refusing->send(get("/"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kUnavailable) << refused.error().message();
}

}  // namespace
}  // namespace hvo::net
