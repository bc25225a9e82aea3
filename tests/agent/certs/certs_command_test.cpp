#include "hostagent/certs/certs_command.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "common/net/http_client.h"
#include "common/net/http_server.h"
#include "hostagent/app/agent_app.h"
#include "hostagent/certs/certificate_maker.h"
#include "hostagent/util/atomic_file.h"
#include "tests/net/test_certs.h"
#include "tests/support/test_ports.h"

namespace hvo::agent {
namespace {

std::string file(const std::string& path) {
  return read_file(path).value();
}

namespace fs = std::filesystem;

// What a test asserts about a certificate, read back with OpenSSL.
struct ParsedCertificate {
  uint32_t key_usage = 0;  // KU_* bits; UINT32_MAX when absent
  bool key_usage_critical = false;
  uint32_t extended_key_usage = 0;  // XKU_* bits
  std::vector<std::string> san;     // "DNS:name" / "IP:address", in certificate order
};

std::string ip_text(const ASN1_OCTET_STRING* address) {
  const unsigned char* bytes = ASN1_STRING_get0_data(address);
  const int length = ASN1_STRING_length(address);
  char text[64] = {};
  if (length == 4) {
    std::snprintf(text, sizeof(text), "%d.%d.%d.%d", bytes[0], bytes[1], bytes[2], bytes[3]);
  } else {
    std::string hex;
    for (int i = 0; i < length; i += 2) {
      char group[8];
      std::snprintf(group, sizeof(group), "%s%x", i == 0 ? "" : ":", bytes[i] << 8 | bytes[i + 1]);
      hex += group;
    }
    return hex;  // uncompressed form: 0:0:0:0:0:0:0:1
  }
  return text;
}

ParsedCertificate parse_certificate(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), -1), BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
  EXPECT_TRUE(cert) << "not a PEM certificate";
  ParsedCertificate parsed;
  if (!cert)
    return parsed;
  parsed.key_usage = X509_get_key_usage(cert.get());
  parsed.extended_key_usage = X509_get_extended_key_usage(cert.get());
  const int ku_index = X509_get_ext_by_NID(cert.get(), NID_key_usage, -1);
  parsed.key_usage_critical =
      ku_index >= 0 && X509_EXTENSION_get_critical(X509_get_ext(cert.get(), ku_index)) == 1;
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type == GEN_DNS) {
      const ASN1_IA5STRING* dns = name->d.dNSName;
      parsed.san.push_back("DNS:" +
                           std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                                       static_cast<std::size_t>(ASN1_STRING_length(dns))));
    } else if (name->type == GEN_IPADD) {
      parsed.san.push_back("IP:" + ip_text(name->d.iPAddress));
    } else {
      parsed.san.push_back("other:" + std::to_string(name->type));
    }
  }
  GENERAL_NAMES_free(names);
  return parsed;
}

std::string base64_decode(const std::string& text) {
  std::string out(text.size(), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  EXPECT_GE(n, 0) << "not base64: " << text;
  out.resize(static_cast<std::size_t>(std::max(n, 0)));
  // EVP_DecodeBlock counts the padding as zero bytes.
  for (std::size_t pad = text.size(); pad > 0 && text[pad - 1] == '='; --pad)
    out.pop_back();
  return out;
}

unsigned mode_of(const std::string& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 0777;
}

std::string trimmed_token(const std::string& path) {
  std::string token = file(path);
  token.erase(token.find_last_not_of("\n") + 1);
  return token;
}

TEST(CertsCommand, ParsesFlagsAndRefusesMissingOnes) {
  const auto options = parse_certs_args({"--out-dir", "/tmp/x", "--host", "hv-01.example.com",
                                         "--dns", "hv-01", "--ip", "10.0.0.4", "--days", "30"});
  ASSERT_TRUE(options.ok()) << options.error().message();
  EXPECT_EQ(options->dns_names, std::vector<std::string>{"hv-01"});
  EXPECT_EQ(options->ip_addresses, std::vector<std::string>{"10.0.0.4"});
  EXPECT_EQ(options->valid_days, 30);
  EXPECT_FALSE(parse_certs_args({"--host", "h"}).ok());
  EXPECT_FALSE(parse_certs_args({"--out-dir", "d"}).ok());
  EXPECT_FALSE(parse_certs_args({"--out-dir", "d", "--host", "h", "--days", "-1"}).ok());
  EXPECT_FALSE(parse_certs_args({"--out-dir", "d", "--host", "h", "--colour", "red"}).ok());
}

TEST(CertsCommand, RefusesNamesThatWouldChangeTheCertificateOrTheManifest) {
  const std::vector<std::string> base = {"--out-dir", "/tmp/agent", "--host", "hv-01"};
  struct Case {
    const char* name;
    std::vector<std::string> extra;
    const char* message;
  };
  const Case cases[] = {
      {"SAN list spliced through --dns",
       {"--dns", "hv-01.example.com,DNS:evil.example.com"},
       "--dns hv-01.example.com,DNS:evil.example.com is not a host name"},
      {"SAN type prefix in --dns", {"--dns", "IP:10.9.9.9"}, "--dns IP:10.9.9.9 is not"},
      {"SAN list spliced through --ip",
       {"--ip", "10.0.0.4,DNS:evil.example.com"},
       "--ip 10.0.0.4,DNS:evil.example.com is not an IPv4 or IPv6 address"},
      {"address with trailing text", {"--ip", "10.0.0.4 "}, "--ip 10.0.0.4  is not"},
      {"host that is not a host name", {"--host", "hv 01"}, "--host hv 01 is not a host name"},
      {"YAML spliced through the Secret name",
       {"--secret-name", "creds\n  evil: x"},
       "is not a Kubernetes name"},
      {"upper case Secret name", {"--secret-name", "Creds"}, "--secret-name Creds is not"},
      {"namespace with a dot", {"--secret-namespace", "ops.x"}, "is not a Kubernetes namespace"},
      {"CA folder is the agent's folder", {"--ca-dir", "/tmp/agent/"}, "must not sit beside"},
      {"CA folder inside the agent's folder", {"--ca-dir", "/tmp/agent/ca"}, "is inside"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    std::vector<std::string> args = base;
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    const auto options = parse_certs_args(args);
    ASSERT_FALSE(options.ok());
    EXPECT_EQ(options.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(options.error().message().find(c.message), std::string::npos)
        << options.error().message();
  }
  auto accepted = base;
  accepted.insert(accepted.end(), {"--ca-dir", "/tmp/agent-ca", "--dns", "hv-01.example.com",
                                   "--ip", "fd00::4", "--secret-out", "/tmp/s.yaml"});
  const auto options = parse_certs_args(accepted);
  ASSERT_TRUE(options.ok()) << options.error().message();
  EXPECT_EQ(options->ca_dir, "/tmp/agent-ca");
  EXPECT_EQ(options->secret_out, "/tmp/s.yaml");
}

TEST(CertificateMaker, HostileSubjectAltNameIsRefusedNotSplicedIntoTheCertificate) {
  const auto ca = make_certificate_authority("test CA", 1);
  ASSERT_TRUE(ca.ok()) << ca.error().message();
  for (const std::string& hostile : std::vector<std::string>{
           "a.example.com,DNS:evil.example.com", "a.example.com, IP:10.0.0.1", "email:x@y",
           "critical,DNS:evil", "a..b", "-a.example.com", std::string("a\0b", 3)}) {
    SCOPED_TRACE(hostile);
    LeafRequest request{"leaf", {hostile}, {}, true, false, 1};
    const auto leaf = issue_certificate(ca.value(), request);
    ASSERT_FALSE(leaf.ok());
    EXPECT_EQ(leaf.error().code(), ErrorCode::kInvalidArgument);
  }
  LeafRequest request{"leaf", {}, {"10.0.0.1,DNS:evil.example.com"}, true, false, 1};
  EXPECT_FALSE(issue_certificate(ca.value(), request).ok());
}

TEST(CertificateMaker, ServerCertificateCarriesExactlyTheNamesAskedForAndSignsOnly) {
  const auto ca = make_certificate_authority("test CA", 1);
  ASSERT_TRUE(ca.ok()) << ca.error().message();
  LeafRequest request{"hv-01", {"hv-01", "hv-01.example.com"}, {"10.0.0.4", "::1"}, true, false, 1};
  const auto leaf = issue_certificate(ca.value(), request);
  ASSERT_TRUE(leaf.ok()) << leaf.error().message();
  const auto parsed = parse_certificate(leaf->cert_pem);
  EXPECT_EQ(parsed.san, (std::vector<std::string>{"DNS:hv-01", "DNS:hv-01.example.com",
                                                  "IP:10.0.0.4", "IP:0:0:0:0:0:0:0:1"}));
  EXPECT_EQ(parsed.key_usage, static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
  EXPECT_TRUE(parsed.key_usage_critical);
  EXPECT_EQ(parsed.extended_key_usage, static_cast<uint32_t>(XKU_SSL_SERVER));
}

TEST(CertsCommand, WritesTheAgentsFolderWithoutTheCaKeyAndKeepsItOnlyInCaDir) {
  hvo::testing::TempDir dir;
  CertsOptions options;
  options.out_dir = dir.path() + "/agent";
  options.host_name = "hv-01";
  options.dns_names = {"hv-01.example.com"};
  options.ip_addresses = {"10.0.0.4"};
  fs::create_directories(options.out_dir);
  std::ofstream(options.out_dir + "/ca.key") << "left by an earlier version";

  const auto without_ca_dir = run_certs(options);
  ASSERT_TRUE(without_ca_dir.ok()) << without_ca_dir.error().message();
  EXPECT_FALSE(fs::exists(options.out_dir + "/ca.key"));  // the stale one is gone too
  for (const char* name :
       {"ca.crt", "server.crt", "server.key", "client.crt", "client.key", "token"}) {
    EXPECT_TRUE(fs::exists(options.out_dir + "/" + name)) << name;
  }
  EXPECT_EQ(mode_of(options.out_dir + "/server.key"), 0600u);
  EXPECT_EQ(mode_of(options.out_dir + "/token"), 0600u);
  bool told_not_kept = false;
  for (const auto& note : without_ca_dir->notes)
    told_not_kept |= note.find("CA key was not kept") != std::string::npos;
  EXPECT_TRUE(told_not_kept);

  options.ca_dir = dir.path() + "/offline-ca";
  const auto with_ca_dir = run_certs(options);
  ASSERT_TRUE(with_ca_dir.ok()) << with_ca_dir.error().message();
  EXPECT_FALSE(fs::exists(options.out_dir + "/ca.key"));
  EXPECT_EQ(mode_of(options.ca_dir), 0700u);
  EXPECT_EQ(mode_of(options.ca_dir + "/ca.key"), 0600u);
  EXPECT_EQ(file(options.ca_dir + "/ca.crt"), file(options.out_dir + "/ca.crt"));
  // The kept key is the CA's: it issues a certificate that chains to the agent's ca.crt.
  const KeyPair kept{file(options.ca_dir + "/ca.crt"), file(options.ca_dir + "/ca.key")};
  EXPECT_TRUE(issue_certificate(kept, {"another-client", {}, {}, false, true, 1}).ok());

  const auto server = parse_certificate(file(options.out_dir + "/server.crt"));
  EXPECT_EQ(server.san,
            (std::vector<std::string>{"DNS:hv-01", "DNS:hv-01.example.com", "IP:10.0.0.4"}));
  EXPECT_EQ(server.key_usage, static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
  const auto client = parse_certificate(file(options.out_dir + "/client.crt"));
  EXPECT_TRUE(client.san.empty());
  EXPECT_EQ(client.key_usage, static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
  EXPECT_EQ(client.extended_key_usage, static_cast<uint32_t>(XKU_SSL_CLIENT));
}

TEST(CertsCommand, TokenIs32RandomBytesInHex) {
  hvo::testing::TempDir dir;
  CertsOptions options;
  options.out_dir = dir.path() + "/a";
  options.host_name = "hv-01";
  ASSERT_TRUE(run_certs(options).ok());
  const std::string first = trimmed_token(options.out_dir + "/token");
  EXPECT_EQ(first.size(), 64u);
  EXPECT_EQ(first.find_first_not_of("0123456789abcdef"), std::string::npos) << first;
  options.out_dir = dir.path() + "/b";
  ASSERT_TRUE(run_certs(options).ok());
  EXPECT_NE(trimmed_token(options.out_dir + "/token"), first);
}

TEST(CertsCommand, SecretOutWritesAUtf8ManifestThatParsesToTheExactMaterial) {
  hvo::testing::TempDir dir;
  CertsOptions options;
  options.out_dir = dir.path() + "/agent";
  options.host_name = "hv-01";
  options.secret_out = dir.path() + "/hv-01-secret.yaml";
  options.secret_name = "hv-01-credentials";
  options.secret_namespace = "hyperv-system";
  const auto outcome = run_certs(options);
  ASSERT_TRUE(outcome.ok()) << outcome.error().message();
  const std::string text = file(options.secret_out);
  EXPECT_EQ(text, outcome->manifest);
  EXPECT_EQ(text.rfind("apiVersion: v1\n", 0), 0u);  // no byte order mark before it
  EXPECT_EQ(text.find('\r'), std::string::npos);
  EXPECT_EQ(mode_of(options.secret_out), 0600u);  // it holds the client key and the token

  const YAML::Node secret = YAML::Load(text);
  EXPECT_EQ(secret["kind"].as<std::string>(), "Secret");
  EXPECT_EQ(secret["metadata"]["name"].as<std::string>(), "hv-01-credentials");
  EXPECT_EQ(secret["metadata"]["namespace"].as<std::string>(), "hyperv-system");
  EXPECT_EQ(secret["data"].size(), 4u);
  EXPECT_EQ(base64_decode(secret["data"]["ca.crt"].as<std::string>()),
            file(options.out_dir + "/ca.crt"));
  EXPECT_EQ(base64_decode(secret["data"]["tls.crt"].as<std::string>()),
            file(options.out_dir + "/client.crt"));
  EXPECT_EQ(base64_decode(secret["data"]["tls.key"].as<std::string>()),
            file(options.out_dir + "/client.key"));
  EXPECT_EQ(base64_decode(secret["data"]["token"].as<std::string>()),
            trimmed_token(options.out_dir + "/token"));
}

TEST(CertsCommand, SecretManifestCarriesTheFourKeysBase64Encoded) {
  const std::string manifest = secret_manifest("creds", "ops", "CA", "CERT", "KEY", "tok");
  EXPECT_NE(manifest.find("kind: Secret\n"), std::string::npos);
  EXPECT_NE(manifest.find("  name: creds\n  namespace: ops\n"), std::string::npos);
  EXPECT_NE(manifest.find("  ca.crt: Q0E=\n"), std::string::npos);
  EXPECT_NE(manifest.find("  tls.crt: Q0VSVA==\n"), std::string::npos);
  EXPECT_NE(manifest.find("  tls.key: S0VZ\n"), std::string::npos);
  EXPECT_NE(manifest.find("  token: dG9r\n"), std::string::npos);
}

TEST(CertsCommand, GeneratedMaterialWorksForMutualTlsWithTheAgent) {
  hvo::testing::TempDir dir;
  CertsOptions options;
  options.out_dir = dir.path() + "/certs";
  options.host_name = "localhost";
  options.ip_addresses = {"127.0.0.1"};
  const auto outcome = run_certs(options);
  ASSERT_TRUE(outcome.ok()) << outcome.error().message();
  EXPECT_NE(outcome->manifest.find("tls.key: "), std::string::npos);
  const std::string certs = options.out_dir;

  AgentConfig config;
  config.listen_host = "127.0.0.1";
  config.listen_port = hvo::testing::reserve_test_port();
  config.tls = {certs + "/server.crt", certs + "/server.key", certs + "/ca.crt", true};
  config.token_file = certs + "/token";
  config.data_dir = dir.path() + "/data";
  config.sim.state_file.clear();
  auto app = AgentApp::start(config);
  ASSERT_TRUE(app.ok()) << app.error().message();

  net::HttpClientConfig client_config;
  client_config.base_url = "https://127.0.0.1:" + std::to_string(config.listen_port);
  client_config.tls.ca_pem = file(certs + "/ca.crt");
  client_config.tls.cert_pem = file(certs + "/client.crt");
  client_config.tls.key_pem = file(certs + "/client.key");
  auto client = net::HttpClient::create(client_config);
  ASSERT_TRUE(client.ok()) << client.error().message();
  net::HttpRequest request;
  request.path = "/v1/vms";
  std::string token = file(certs + "/token");
  token.erase(token.find_last_not_of("\n") + 1);
  request.headers["Authorization"] = "Bearer " + token;
  const auto response = client.value()->send(request);
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ(response->status, 200) << response->body;

  // The agent's own server certificate is not a client certificate: refused at the handshake.
  client_config.tls.cert_pem = file(certs + "/server.crt");
  client_config.tls.key_pem = file(certs + "/server.key");
  auto wrong = net::HttpClient::create(client_config);
  ASSERT_TRUE(wrong.ok());
  EXPECT_FALSE(wrong.value()->send(request).ok());
}

}  // namespace
}  // namespace hvo::agent
