// Test-only PKI: certificate authorities and leaf certificates made at run time with OpenSSL's
// C API (EC P-256 keys), as PEM strings and as files in a temporary directory. Shared by every
// test that needs TLS or mutual TLS (net, agent, API server emulator). Target: hvo_test_tls.
#pragma once

#include <string>
#include <vector>

namespace hvo::testing {

// A certificate and its private key, as PEM text and (once written) as files.
struct TestCertificate {
  std::string cert_pem;
  std::string key_pem;
  std::string cert_file;  // empty until written
  std::string key_file;   // empty until written
};

// What to put into a certificate. A CA gets basicConstraints CA:TRUE and keyCertSign; a leaf
// gets the extended key usages asked for and the subject alternative names given.
struct CertificateSpec {
  std::string common_name;
  std::string organization;  // optional subject O= (Kubernetes maps it to groups)
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  bool is_ca = false;
  bool server_auth = false;
  bool client_auth = false;
  int valid_days = 1;
};

// Makes a self-signed certificate authority. Throws std::runtime_error when OpenSSL fails.
TestCertificate make_ca(const std::string& common_name);

// Issues a certificate signed by `issuer` (a CA made by make_ca). Throws std::runtime_error.
TestCertificate issue_certificate(const TestCertificate& issuer, const CertificateSpec& spec);

// Writes cert_pem/key_pem to "<dir>/<name>.crt" and "<dir>/<name>.key" and records the paths.
void write_files(TestCertificate& certificate, const std::string& dir, const std::string& name);

// A temporary directory removed with everything in it when this object is destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The usual set for TLS tests, every certificate written under its own temporary directory:
//   ca             the trusted CA
//   server         signed by ca; SAN DNS:localhost, IP:127.0.0.1; serverAuth
//   client         signed by ca; CN=test-client, O=test-group; clientAuth
//   other_ca       an unrelated CA
//   other_client   signed by other_ca; clientAuth (must be refused by a server trusting ca)
struct TestPki {
  TestPki();

  TempDir dir;
  TestCertificate ca;
  TestCertificate server;
  TestCertificate client;
  TestCertificate other_ca;
  TestCertificate other_client;
};

}  // namespace hvo::testing
