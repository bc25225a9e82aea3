#include "controllers/failover_routing.h"

#include <vector>

namespace hvo::controllers {
namespace {

bool fenced(const k8s::Json& host) {
  const auto value = host.value(k8s::Json::json_pointer("/spec/fenced"), k8s::Json());
  return value.is_boolean() && value.get<bool>();
}

}  // namespace

kube::IndexFunc index_by_stale_copy_host() {
  return [](const nlohmann::json& vm) {
    std::vector<std::string> hosts;
    const auto copies = vm.value(k8s::Json::json_pointer("/status/staleCopies"), k8s::Json());
    if (!copies.is_array())
      return hosts;
    for (const auto& copy : copies) {
      if (!copy.is_object())
        continue;
      const auto host = copy.value("host", k8s::Json());
      if (host.is_string() && !host.get<std::string>().empty())
        hosts.push_back(host.get<std::string>());
    }
    return hosts;
  };
}

bool host_fencing_changed(const k8s::Json& old_host, const k8s::Json& host) {
  return fenced(old_host) != fenced(host);
}

}  // namespace hvo::controllers
