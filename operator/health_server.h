// The operator's /metrics, /healthz and /readyz, answered like the Kubernetes components answer
// them: "ok" with 200 when every named check passes, otherwise 500 listing each check as
// "[+]name ok" or "[-]name failed: reason" (the list also on success with ?verbose).
// /readyz is what the Deployment's readiness probe reads: add a check per informer (ready once
// it has synced) and any others. HealthEndpoints is the routing without I/O; HealthServer serves
// it over hvo::net::HttpServer.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/metrics/registry.h"
#include "common/net/http_server.h"
#include "common/status.h"
#include "operator/informer.h"

namespace hvo::kube {

using HealthCheck = std::function<Status()>;

// Ready once `informer` has synced.
HealthCheck informer_synced(const SharedInformer& informer);

class HealthEndpoints {
 public:
  explicit HealthEndpoints(const metrics::Registry& registry) : registry_(registry) {}

  void add_health_check(const std::string& name, HealthCheck check);
  void add_ready_check(const std::string& name, HealthCheck check);
  net::HttpResponse handle(const net::HttpRequest& request) const;

 private:
  using NamedChecks = std::vector<std::pair<std::string, HealthCheck>>;
  net::HttpResponse run_checks(const NamedChecks& checks, const std::string& endpoint,
                               bool verbose) const;

  const metrics::Registry& registry_;
  mutable std::mutex mu_;
  NamedChecks health_checks_;
  NamedChecks ready_checks_;
};

class HealthServer {
 public:
  // Serves `endpoints` (which must outlive the server) on host:port, plain HTTP.
  static Result<std::unique_ptr<HealthServer>> start(const std::string& host, uint16_t port,
                                                     const HealthEndpoints& endpoints);
  uint16_t port() const { return server_->port(); }
  void stop() { server_->stop(); }

 private:
  explicit HealthServer(std::unique_ptr<net::HttpServer> server) : server_(std::move(server)) {}
  std::unique_ptr<net::HttpServer> server_;
};

}  // namespace hvo::kube
