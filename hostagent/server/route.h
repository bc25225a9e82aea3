// Maps a request path onto the agent's routes (docs/agent-api.md). Pure, so the table is tested
// without sockets; the route's template ("/v1/vms/{uid}") is the metrics label.
#pragma once

#include <string>
#include <string_view>

namespace hvo::agent {

enum class RouteId {
  kHealthz,    // GET /healthz
  kMetrics,    // GET /metrics
  kHost,       // GET /v1/host
  kVms,        // GET /v1/vms
  kVm,         // GET | PUT | DELETE /v1/vms/{uid}
  kVmPower,    // POST /v1/vms/{uid}/power
  kVmMigrate,  // POST /v1/vms/{uid}/migrate
  kOperation,  // GET /v1/operations/{id}
  kSimFaults,  // GET | PUT /v1/sim/faults (sim driver, test endpoints enabled)
  kSimEdit,    // POST /v1/sim/vms/{uid}/edit (sim driver: a hand edit on the host)
  kUnknown,
};

struct RouteMatch {
  RouteId id = RouteId::kUnknown;
  std::string param;            // the uid or operation id
  const char* label = "other";  // route template for metrics
};

RouteMatch match_route(std::string_view path);

}  // namespace hvo::agent
