#include "hostagent/certs/certs_command.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/net/http_client.h"
#include "common/net/http_server.h"
#include "hostagent/app/agent_app.h"
#include "hostagent/util/atomic_file.h"
#include "tests/net/test_certs.h"

namespace hvo::agent {
namespace {

std::string file(const std::string& path) {
  return read_file(path).value();
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
  const auto manifest = run_certs(options);
  ASSERT_TRUE(manifest.ok()) << manifest.error().message();
  EXPECT_NE(manifest.value().find("tls.key: "), std::string::npos);
  const std::string certs = options.out_dir;

  AgentConfig config;
  config.listen_host = "127.0.0.1";
  config.listen_port = net::pick_free_port();
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
