#include "operator/health_server.h"

#include <spdlog/spdlog.h>

namespace hvo::kube {
namespace {

net::HttpResponse text(int status, std::string body, const std::string& content_type) {
  net::HttpResponse response;
  response.status = status;
  response.headers["Content-Type"] = content_type;
  response.headers["Cache-Control"] = "no-store";
  response.body = std::move(body);
  return response;
}

constexpr const char* kPlainText = "text/plain; charset=utf-8";

}  // namespace

HealthCheck informer_synced(const SharedInformer& informer) {
  return [&informer]() -> Status {
    if (informer.has_synced())
      return OkStatus();
    return Error(ErrorCode::kUnavailable,
                 "informer for " + informer.resource().display() + " has not synced");
  };
}

void HealthEndpoints::add_health_check(const std::string& name, HealthCheck check) {
  std::lock_guard<std::mutex> lock(mu_);
  health_checks_.emplace_back(name, std::move(check));
}

void HealthEndpoints::add_ready_check(const std::string& name, HealthCheck check) {
  std::lock_guard<std::mutex> lock(mu_);
  ready_checks_.emplace_back(name, std::move(check));
}

net::HttpResponse HealthEndpoints::run_checks(const NamedChecks& checks,
                                              const std::string& endpoint, bool verbose) const {
  std::string report;
  bool healthy = true;
  for (const auto& [name, check] : checks) {
    const Status status = check();
    if (status.ok()) {
      report += "[+]" + name + " ok\n";
    } else {
      healthy = false;
      report += "[-]" + name + " failed: " + status.error().message() + "\n";
    }
  }
  if (!healthy) {
    spdlog::debug("health_check_failed endpoint={}", endpoint);
    return text(500, report + endpoint + " check failed\n", kPlainText);
  }
  return text(200, verbose ? report + endpoint + " check passed\n" : "ok", kPlainText);
}

net::HttpResponse HealthEndpoints::handle(const net::HttpRequest& request) const {
  if (request.method != "GET" && request.method != "HEAD") {
    return text(405, "method not allowed\n", kPlainText);
  }
  const bool verbose = request.query.count("verbose") > 0;
  if (request.path == "/metrics") {
    return text(200, registry_.expose(), metrics::kExpositionContentType);
  }
  NamedChecks checks;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (request.path == "/healthz" || request.path == "/livez")
      checks = health_checks_;
    else if (request.path == "/readyz")
      checks = ready_checks_;
    else
      return text(404, "not found\n", kPlainText);
  }
  return run_checks(checks, request.path.substr(1), verbose);
}

Result<std::unique_ptr<HealthServer>> HealthServer::start(const std::string& host, uint16_t port,
                                                          const HealthEndpoints& endpoints) {
  net::HttpServerConfig config;
  config.host = host;
  config.port = port;
  auto server = net::HttpServer::start(
      config, [&endpoints](const net::HttpRequest& request, net::Responder& responder) {
        responder.reply(endpoints.handle(request));
      });
  if (!server.ok()) {
    return server.error().with_context("metrics and health endpoint " + host + ":" +
                                       std::to_string(port));
  }
  spdlog::info("health_server_started host={} port={}", host, (*server)->port());
  return std::unique_ptr<HealthServer>(new HealthServer(std::move(*server)));
}

}  // namespace hvo::kube
