// The server's TLS policy seen by clients OpenSSL lets us configure freely: TLS 1.1 and
// TLS 1.2 with only CBC ciphers are refused at the handshake; TLS 1.2 with an ECDHE AEAD cipher
// and TLS 1.3 are accepted. The test clients lower OpenSSL's security level so that the
// refusals are the server's, not the local OpenSSL configuration's.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "tests/net/net_test_support.h"
#include "tests/net/test_certs.h"

namespace hvo::net {
namespace {

struct Handshake {
  bool ok = false;
  std::string version;  // negotiated, when ok
  std::string cipher;
  std::string error;  // OpenSSL's reason, when not
};

Handshake handshake(uint16_t port, int min_version, int max_version, const char* tls12_ciphers) {
  Handshake result;
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_security_level(ctx, 0);
  SSL_CTX_set_min_proto_version(ctx, min_version);
  SSL_CTX_set_max_proto_version(ctx, max_version);
  if (tls12_ciphers != nullptr)
    SSL_CTX_set_cipher_list(ctx, tls12_ciphers);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0) {
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) == 1) {
      result.ok = true;
      result.version = SSL_get_version(ssl);
      result.cipher = SSL_get_cipher_name(ssl);
    } else {
      char reason[256];
      ERR_error_string_n(ERR_get_error(), reason, sizeof(reason));
      result.error = reason;
    }
    ERR_clear_error();
    SSL_free(ssl);
  } else {
    result.error = "connect failed";
  }
  ::close(fd);
  SSL_CTX_free(ctx);
  return result;
}

class TlsPolicy : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpServerConfig config;
    config.tls = TlsServerConfig{pki_.server.cert_file, pki_.server.key_file, "", false};
    server_ = testing::start_server(
        [](const HttpRequest&, Responder& responder) {
          responder.reply({200, {}, "ok"});
        },
        config);
    ASSERT_TRUE(server_);
  }
  hvo::testing::TestPki pki_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(TlsPolicy, Tls11ClientIsRefused) {
  auto result = handshake(server_->port(), TLS1_VERSION, TLS1_1_VERSION, "ALL:@SECLEVEL=0");
  EXPECT_FALSE(result.ok) << "negotiated " << result.version << " " << result.cipher;
  EXPECT_NE(result.error.find("protocol version"), std::string::npos) << result.error;
}

TEST_F(TlsPolicy, Tls12ClientWithOnlyCbcCiphersIsRefused) {
  auto result = handshake(server_->port(), TLS1_2_VERSION, TLS1_2_VERSION,
                          "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA384:"
                          "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA256:AES128-SHA256:"
                          "AES128-SHA:@SECLEVEL=0");
  EXPECT_FALSE(result.ok) << "negotiated " << result.version << " " << result.cipher;
  EXPECT_NE(result.error.find("handshake failure"), std::string::npos) << result.error;
}

TEST_F(TlsPolicy, Tls12WithAeadAndTls13AreAccepted) {
  auto gcm =
      handshake(server_->port(), TLS1_2_VERSION, TLS1_2_VERSION, "ECDHE-ECDSA-AES128-GCM-SHA256");
  ASSERT_TRUE(gcm.ok) << gcm.error;
  EXPECT_EQ(gcm.version, "TLSv1.2");
  auto chacha =
      handshake(server_->port(), TLS1_2_VERSION, TLS1_2_VERSION, "ECDHE-ECDSA-CHACHA20-POLY1305");
  ASSERT_TRUE(chacha.ok) << chacha.error;
  EXPECT_EQ(chacha.cipher, "ECDHE-ECDSA-CHACHA20-POLY1305");
  auto tls13 = handshake(server_->port(), TLS1_3_VERSION, TLS1_3_VERSION, nullptr);
  ASSERT_TRUE(tls13.ok) << tls13.error;
  EXPECT_EQ(tls13.version, "TLSv1.3");
}

}  // namespace
}  // namespace hvo::net
