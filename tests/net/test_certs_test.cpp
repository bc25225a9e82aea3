#include "tests/net/test_certs.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

namespace hvo::testing {
namespace {

using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;

CertPtr parse(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  return CertPtr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
}

// Verifies `leaf` against `root` the way a TLS peer would, for the given purpose.
bool chains_to(const TestCertificate& leaf, const TestCertificate& root, int purpose) {
  CertPtr leaf_cert = parse(leaf.cert_pem);
  CertPtr root_cert = parse(root.cert_pem);
  std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(), &X509_STORE_free);
  X509_STORE_add_cert(store.get(), root_cert.get());
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(),
                                                                      &X509_STORE_CTX_free);
  X509_STORE_CTX_init(ctx.get(), store.get(), leaf_cert.get(), nullptr);
  X509_STORE_CTX_set_purpose(ctx.get(), purpose);
  return X509_verify_cert(ctx.get()) == 1;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(TestPki, ServerCertificateChainsToItsCaOnlyAndNamesLoopback) {
  TestPki pki;
  EXPECT_TRUE(chains_to(pki.server, pki.ca, X509_PURPOSE_SSL_SERVER));
  EXPECT_FALSE(chains_to(pki.server, pki.other_ca, X509_PURPOSE_SSL_SERVER));
  CertPtr server = parse(pki.server.cert_pem);
  EXPECT_EQ(X509_check_host(server.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(server.get(), "127.0.0.1", 0), 1);
  EXPECT_NE(X509_check_host(server.get(), "example.com", 0, 0, nullptr), 1);
}

TEST(TestPki, ClientCertificatesChainToTheirOwnCa) {
  TestPki pki;
  EXPECT_TRUE(chains_to(pki.client, pki.ca, X509_PURPOSE_SSL_CLIENT));
  EXPECT_FALSE(chains_to(pki.other_client, pki.ca, X509_PURPOSE_SSL_CLIENT));
  EXPECT_TRUE(chains_to(pki.other_client, pki.other_ca, X509_PURPOSE_SSL_CLIENT));
  EXPECT_FALSE(chains_to(pki.client, pki.ca, X509_PURPOSE_SSL_SERVER));
}

TEST(TestPki, FilesHoldThePemDataAndAreRemovedWithTheDirectory) {
  std::string dir;
  {
    TestPki pki;
    dir = pki.dir.path();
    EXPECT_EQ(read_file(pki.client.cert_file), pki.client.cert_pem);
    EXPECT_EQ(read_file(pki.client.key_file), pki.client.key_pem);
    EXPECT_NE(pki.client.key_pem.find("PRIVATE KEY"), std::string::npos);
  }
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST(TestPki, IssuesCertificatesWithTheRequestedSubject) {
  TestCertificate ca = make_ca("agents-ca");
  CertificateSpec spec;
  spec.common_name = "system:node:hv-01";
  spec.organization = "system:nodes";
  spec.client_auth = true;
  TestCertificate node = issue_certificate(ca, spec);
  CertPtr cert = parse(node.cert_pem);
  char common_name[128] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, common_name,
                            sizeof(common_name));
  EXPECT_STREQ(common_name, "system:node:hv-01");
  EXPECT_TRUE(chains_to(node, ca, X509_PURPOSE_SSL_CLIENT));
}

}  // namespace
}  // namespace hvo::testing
