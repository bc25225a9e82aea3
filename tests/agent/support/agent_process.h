// A real agent on a loopback port with HTTPS and mutual TLS (test PKI from tests/net), and
// clients that present the right, a foreign or no certificate.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>

#include "common/net/http_client.h"
#include "common/net/http_server.h"
#include "hostagent/app/agent_app.h"
#include "tests/agent/support/api_fixture.h"
#include "tests/net/test_certs.h"
#include "tests/support/test_ports.h"

namespace hvo::agent::testing {

enum class ClientCert { kTrusted, kForeign, kNone };

class RunningAgent {
 public:
  explicit RunningAgent(std::string data_dir = "") : data_dir_(std::move(data_dir)) {
    if (data_dir_.empty())
      data_dir_ = dir_.path() + "/data";
    write_secret(dir_.path() + "/token", std::string(kTestToken) + "\n");
    config_.listen_host = "127.0.0.1";
    config_.tls = {pki_.server.cert_file, pki_.server.key_file, pki_.ca.cert_file, true};
    config_.token_file = dir_.path() + "/token";
    config_.data_dir = data_dir_;
    config_.sim.state_file = data_dir_ + "/sim-state.json";
    config_.sim_test_endpoints = true;
  }

  AgentConfig& config() { return config_; }
  const hvo::testing::TestPki& pki() const { return pki_; }
  const std::string& data_dir() const { return data_dir_; }

  void start() {
    config_.listen_port = hvo::testing::reserve_test_port();
    auto app = AgentApp::start(config_);
    ASSERT_TRUE(app.ok()) << app.error().message();
    app_ = std::move(app).value();
  }
  void stop() { app_.reset(); }

  std::unique_ptr<net::HttpClient> client(ClientCert cert = ClientCert::kTrusted) const {
    net::HttpClientConfig config;
    config.base_url = "https://127.0.0.1:" + std::to_string(config_.listen_port);
    config.tls.ca_file = pki_.ca.cert_file;
    config.timeout = std::chrono::seconds(30);
    if (cert == ClientCert::kTrusted) {
      config.tls.cert_file = pki_.client.cert_file;
      config.tls.key_file = pki_.client.key_file;
    } else if (cert == ClientCert::kForeign) {
      config.tls.cert_file = pki_.other_client.cert_file;
      config.tls.key_file = pki_.other_client.key_file;
    }
    auto client = net::HttpClient::create(config);
    EXPECT_TRUE(client.ok()) << client.error().message();
    return std::move(client).value();
  }

  Result<net::HttpResponse> call(const std::string& method, const std::string& path,
                                 const std::string& body = "",
                                 const std::string& token = kTestToken,
                                 ClientCert cert = ClientCert::kTrusted) const {
    net::HttpRequest request;
    request.method = method;
    request.path = path;
    request.body = body;
    if (!body.empty())
      request.headers["Content-Type"] = "application/json";
    if (!token.empty())
      request.headers["Authorization"] = "Bearer " + token;
    return client(cert)->send(request);
  }

 private:
  hvo::testing::TestPki pki_;
  hvo::testing::TempDir dir_;
  std::string data_dir_;
  AgentConfig config_;
  std::unique_ptr<AgentApp> app_;
};

}  // namespace hvo::agent::testing
