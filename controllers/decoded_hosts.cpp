#include "controllers/decoded_hosts.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "operator/rest_client.h"

namespace hvo::controllers {

std::shared_ptr<const api::HyperVHost> DecodedHosts::decode(const kube::ObjectPtr& object) const {
  const std::string name = kube::name_of(*object);
  std::string version;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto found = decoded_.find(name);
    if (found != decoded_.end()) {
      // The store hands out the object it holds until the host changes: the same pointer is
      // the same version, without reading it.
      if (found->second.source == object)
        return found->second.host;
      version =
          object->value(nlohmann::json::json_pointer("/metadata/resourceVersion"), std::string());
      if (found->second.version == version) {
        found->second.source = object;
        return found->second.host;
      }
    }
  }
  if (version.empty())
    version =
        object->value(nlohmann::json::json_pointer("/metadata/resourceVersion"), std::string());
  auto parsed = api::HyperVHost::from_json(*object);
  if (!parsed.ok()) {
    spdlog::warn("cached_object_undecodable hypervhost={} error=\"{}\"", name,
                 parsed.error().message());
    return nullptr;
  }
  auto host = std::make_shared<const api::HyperVHost>(std::move(parsed).value());
  std::lock_guard<std::mutex> lock(mu_);
  decoded_[name] = Decoded{object, version, host};
  return host;
}

std::shared_ptr<const api::HyperVHost> DecodedHosts::get(const std::string& name) const {
  const kube::ObjectPtr object = hosts_.get(name);
  return object ? decode(object) : nullptr;
}

std::vector<std::shared_ptr<const api::HyperVHost>> DecodedHosts::all() const {
  std::vector<std::shared_ptr<const api::HyperVHost>> hosts;
  for (const kube::ObjectPtr& object : hosts_.list()) {
    if (auto host = decode(object))
      hosts.push_back(std::move(host));
  }
  std::sort(hosts.begin(), hosts.end(),
            [](const auto& a, const auto& b) { return a->metadata.name < b->metadata.name; });
  return hosts;
}

}  // namespace hvo::controllers
