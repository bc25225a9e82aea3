#include "hostagent/app/agent_app.h"

#include <spdlog/spdlog.h>

#include "common/metrics/registry.h"
#include "common/net/http_server.h"
#include "hostagent/app/driver_factory.h"
#include "hostagent/server/agent_api.h"
#include "hostagent/server/metered_driver.h"
#include "hostagent/server/vm_usage_metrics.h"
#include "hostagent/util/private_path.h"

namespace hvo::agent {

// Declared in dependency order; destroyed in reverse (listener first, driver last).
struct AgentApp::Parts {
  metrics::Registry registry;
  std::unique_ptr<AgentMetrics> metrics;
  DriverParts driver;
  std::unique_ptr<MeteredDriver> metered;
  std::unique_ptr<VmUsageMetrics> usage;
  std::unique_ptr<VmService> service;
  std::unique_ptr<TokenFile> token;
  std::unique_ptr<OperationRunner> runner;
  std::unique_ptr<LeaseEpochStore> epochs;
  std::unique_ptr<AgentApi> api;
  std::unique_ptr<net::HttpServer> server;
};

namespace {

// The data folder and the seed folder (cloud-init user data) are private (util/private_path.h).
// The seed folder only ever holds the agent's own files, so one made by an earlier version is
// tightened as well; the data folder is left as it is when it exists.
Status make_dirs(const AgentConfig& config) {
  for (const auto& dir : {config.data_dir, config.seed_dir()}) {
    if (auto status = create_private_directories(dir); !status.ok())
      return status.error().with_context("paths.dataDir");
  }
  if (auto status = restrict_directory(config.seed_dir()); !status.ok())
    return status.error().with_context("paths.dataDir");
  return OkStatus();
}

// The agent refuses to serve with a token or key that other local users can read: they could
// call the API as the operator, or impersonate the agent.
Status check_secrets(const AgentConfig& config) {
  if (auto status = check_private_file(config.token_file, "auth.tokenFile"); !status.ok())
    return status;
  return check_private_file(config.tls.key_file, "tls.keyFile");
}

net::HttpServerConfig server_config(const AgentConfig& config) {
  net::HttpServerConfig server;
  server.host = config.listen_host;
  server.port = config.listen_port;
  server.tls = net::TlsServerConfig{config.tls.cert_file, config.tls.key_file,
                                    config.tls.client_ca_file, config.tls.require_client_cert};
  // The API answers oversized bodies itself with a JSON PayloadTooLarge (from the header stage
  // when Content-Length announces it); the server's own limit is only the backstop against
  // chunked bodies far beyond it.
  server.max_body_bytes = static_cast<std::size_t>(config.limits.max_body_bytes) * 2;
  return server;
}

}  // namespace

Result<std::unique_ptr<AgentApp>> AgentApp::start(const AgentConfig& config) {
  if (auto status = check_secrets(config); !status.ok())
    return status.error();
  if (auto status = make_dirs(config); !status.ok())
    return status.error();
  auto parts = std::make_unique<Parts>();
  metrics::register_process_metrics(parts->registry);
  parts->metrics = std::make_unique<AgentMetrics>(parts->registry);

  auto driver = make_driver(config);
  if (!driver.ok())
    return driver.error();
  parts->driver = std::move(driver).value();
  parts->metered = std::make_unique<MeteredDriver>(*parts->driver.driver, *parts->metrics);
  // Per-VM usage is read from the driver when /metrics is scraped (one driver call per scrape).
  parts->usage = std::make_unique<VmUsageMetrics>(parts->registry);
  parts->registry.add_collector([metered = parts->metered.get(), usage = parts->usage.get()] {
    auto reading = metered->usage();
    if (reading.ok())
      usage->publish(*reading);
    else
      spdlog::warn("vm_usage_unreadable code={} message=\"{}\"", to_string(reading.error().code),
                   reading.error().message);
  });
  parts->service = std::make_unique<VmService>(*parts->metered, SeedStore(config.seed_dir()));

  auto token = TokenFile::open(config.token_file);
  if (!token.ok())
    return token.error().with_context("auth.tokenFile");
  parts->token = std::move(token).value();

  const auto& limits = config.limits;
  parts->runner = std::make_unique<OperationRunner>(
      OperationRunner::Limits{static_cast<std::size_t>(limits.max_concurrent_driver_calls),
                              static_cast<std::size_t>(limits.max_queued_operations),
                              static_cast<std::size_t>(limits.operation_retention)});
  // The highest leader-Lease epoch seen, kept across restarts (server/lease_epoch_store.h).
  auto epochs = LeaseEpochStore::open(config.lease_epoch_file());
  if (!epochs.ok())
    return epochs.error().with_context("paths.dataDir");
  parts->epochs = std::move(epochs).value();

  ApiOptions options;
  options.max_body_bytes = limits.max_body_bytes;
  options.operation_wait = std::chrono::milliseconds(limits.operation_wait_ms);
  parts->api = std::make_unique<AgentApi>(*parts->service, *parts->runner, *parts->token,
                                          parts->registry, *parts->metrics, options,
                                          config.sim_test_endpoints ? parts->driver.sim : nullptr);
  parts->api->set_lease_epochs(parts->epochs.get());

  AgentApi* api = parts->api.get();
  auto http_config = server_config(config);
  // The token (and an announced body size) is checked before the body is read.
  http_config.header_check = [api](const net::HttpRequest& head) { return api->check_head(head); };
  auto server = net::HttpServer::start(
      http_config, [api](const net::HttpRequest& request, net::Responder& responder) {
        responder.reply(api->handle(request));
      });
  if (!server.ok())
    return server.error().with_context("listen " + config.listen_host);
  parts->server = std::move(server).value();
  spdlog::info("agent_started driver={} listen={}:{} mutual_tls={} test_endpoints={}",
               config.driver, config.listen_host, parts->server->port(),
               config.tls.require_client_cert, config.sim_test_endpoints);
  return std::unique_ptr<AgentApp>(new AgentApp(std::move(parts)));
}

AgentApp::AgentApp(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

AgentApp::~AgentApp() {
  stop();
}

uint16_t AgentApp::port() const {
  return parts_->server->port();
}

void AgentApp::stop() {
  if (!parts_ || !parts_->server)
    return;
  parts_->server->stop();
  parts_->runner.reset();  // joins workers after their current operation
  spdlog::info("agent_stopped");
  parts_->server.reset();
}

}  // namespace hvo::agent
