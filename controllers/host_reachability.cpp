#include "controllers/host_reachability.h"

#include "controllers/conditions.h"

namespace hvo::controllers {

std::optional<std::string> host_unreachable_reason(const api::HyperVHost& host) {
  const std::string& name = host.metadata.name;
  const auto& conditions = host.status.conditions;
  if (!k8s::is_true(conditions, condition_type::kReady)) {
    const auto* ready = k8s::find_condition(conditions, condition_type::kReady);
    return "Host " + name + " is not Ready" + (ready ? ": " + ready->message : ".");
  }
  if (k8s::is_false(conditions, condition_type::kReachable)) {
    const auto* reachable = k8s::find_condition(conditions, condition_type::kReachable);
    return "Host " + name + " does not answer" +
           (reachable->message.empty() ? "." : ": " + reachable->message);
  }
  return std::nullopt;
}

bool host_reachability_changed(const k8s::Json& old_host, const k8s::Json& host) {
  for (const char* type : {condition_type::kReady, condition_type::kReachable}) {
    if (cached_condition_status(old_host, type) != cached_condition_status(host, type))
      return true;
  }
  return false;
}

}  // namespace hvo::controllers
