// An AgentApi over an in-memory sim host, with its token file, seed folder and metrics, for
// tests that call the API as a function (no sockets).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "hostagent/server/agent_api.h"
#include "hostagent/server/metered_driver.h"
#include "tests/net/test_certs.h"

namespace hvo::agent::testing {

// At least kMinTokenBytes (32): the agent refuses shorter tokens.
inline constexpr const char* kTestToken = "s3cret-token-for-tests-0123456789abcdef";

// Writes a secret the way the agent wants it: readable by the owner only (the agent refuses to
// start with a token or key other users can read).
inline void write_secret(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::trunc) << content;
  std::filesystem::permissions(
      path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

struct ApiHarnessOptions {
  SimConfig sim;
  OperationRunner::Limits runner{4, 256, 1000};
  ApiOptions api;
  bool sim_endpoints = true;
};

class ApiHarness {
 public:
  explicit ApiHarness(ApiHarnessOptions options = {}) {
    token_path_ = dir_.path() + "/token";
    write_secret(token_path_, std::string(kTestToken) + "\n");
    sim_ = std::move(SimDriver::open(options.sim)).value();
    metrics_ = std::make_unique<AgentMetrics>(registry_);
    driver_ = std::make_unique<MeteredDriver>(*sim_, *metrics_);
    service_ = std::make_unique<VmService>(*driver_, SeedStore(dir_.path() + "/seeds"));
    runner_ = std::make_unique<OperationRunner>(options.runner);
    token_ = std::move(TokenFile::open(token_path_)).value();
    if (options.api.operation_wait == ApiOptions{}.operation_wait) {
      options.api.operation_wait = std::chrono::seconds(30);  // upper bound: finished ops → 200
    }
    api_ = std::make_unique<AgentApi>(*service_, *runner_, *token_, registry_, *metrics_,
                                      options.api, options.sim_endpoints ? sim_.get() : nullptr);
  }

  net::HttpResponse call(const std::string& method, const std::string& path,
                         const std::string& body = "", const std::string& token = kTestToken) {
    net::HttpRequest request;
    request.method = method;
    request.path = path;
    request.body = body;
    if (!token.empty())
      request.headers["Authorization"] = "Bearer " + token;
    return api_->handle(request);
  }

  // The header-stage check the server runs before reading a body (no body here).
  std::optional<net::HttpResponse> check_head(const std::string& method, const std::string& path,
                                              const std::string& token,
                                              const std::string& content_length = "") {
    net::HttpRequest head;
    head.method = method;
    head.path = path;
    if (!token.empty())
      head.headers["Authorization"] = "Bearer " + token;
    if (!content_length.empty())
      head.headers["Content-Length"] = content_length;
    return api_->check_head(head);
  }

  SimDriver& sim() { return *sim_; }
  OperationRunner& runner() { return *runner_; }
  const std::string& dir() const { return dir_.path(); }
  const std::string& token_path() const { return token_path_; }

 private:
  hvo::testing::TempDir dir_;
  std::string token_path_;
  metrics::Registry registry_;
  std::unique_ptr<SimDriver> sim_;
  std::unique_ptr<AgentMetrics> metrics_;
  std::unique_ptr<MeteredDriver> driver_;
  std::unique_ptr<VmService> service_;
  std::unique_ptr<TokenFile> token_;
  std::unique_ptr<AgentApi> api_;
  std::unique_ptr<OperationRunner> runner_;  // destroyed first: joins workers using the rest
};

inline nlohmann::json body_json(const net::HttpResponse& response) {
  return nlohmann::json::parse(response.body);
}

}  // namespace hvo::agent::testing
