#include "hostagent/server/route.h"

namespace hvo::agent {
namespace {

// The segment after `prefix` when the path is exactly prefix + segment (+ suffix).
bool take_segment(std::string_view path, std::string_view prefix, std::string_view suffix,
                  std::string& segment) {
  if (path.substr(0, prefix.size()) != prefix)
    return false;
  std::string_view rest = path.substr(prefix.size());
  if (rest.size() <= suffix.size() || rest.substr(rest.size() - suffix.size()) != suffix) {
    return false;
  }
  rest = rest.substr(0, rest.size() - suffix.size());
  if (rest.empty() || rest.find('/') != std::string_view::npos)
    return false;
  segment = std::string(rest);
  return true;
}

}  // namespace

RouteMatch match_route(std::string_view path) {
  if (path == "/healthz")
    return {RouteId::kHealthz, "", "/healthz"};
  if (path == "/metrics")
    return {RouteId::kMetrics, "", "/metrics"};
  if (path == "/v1/host")
    return {RouteId::kHost, "", "/v1/host"};
  if (path == "/v1/vms")
    return {RouteId::kVms, "", "/v1/vms"};
  if (path == "/v1/sim/faults")
    return {RouteId::kSimFaults, "", "/v1/sim/faults"};
  std::string param;
  if (take_segment(path, "/v1/sim/vms/", "/edit", param))
    return {RouteId::kSimEdit, param, "/v1/sim/vms/{uid}/edit"};
  if (take_segment(path, "/v1/vms/", "/power", param)) {
    return {RouteId::kVmPower, param, "/v1/vms/{uid}/power"};
  }
  if (take_segment(path, "/v1/vms/", "/migrate", param))
    return {RouteId::kVmMigrate, param, "/v1/vms/{uid}/migrate"};
  if (take_segment(path, "/v1/vms/", "", param))
    return {RouteId::kVm, param, "/v1/vms/{uid}"};
  if (take_segment(path, "/v1/operations/", "", param)) {
    return {RouteId::kOperation, param, "/v1/operations/{id}"};
  }
  return {};
}

}  // namespace hvo::agent
