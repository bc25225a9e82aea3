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
  const std::vector<kube::ObjectPtr> objects = hosts_.list();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (objects == last_objects_)
      return last_all_;  // placement asks for every host per VM; hosts change far less often
  }
  std::vector<std::shared_ptr<const api::HyperVHost>> decoded(objects.size());
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (std::size_t i = 0; i < objects.size() && i < last_objects_.size(); ++i) {
      if (objects[i] == last_objects_[i])
        decoded[i] = last_decoded_[i];
    }
  }
  for (std::size_t i = 0; i < objects.size(); ++i) {
    if (!decoded[i])
      decoded[i] = decode(objects[i]);
  }
  std::vector<std::shared_ptr<const api::HyperVHost>> hosts;
  hosts.reserve(decoded.size());
  for (const auto& host : decoded) {
    if (host)
      hosts.push_back(host);
  }
  std::sort(hosts.begin(), hosts.end(),
            [](const auto& a, const auto& b) { return a->metadata.name < b->metadata.name; });
  std::lock_guard<std::mutex> lock(mu_);
  last_objects_ = objects;
  last_decoded_ = std::move(decoded);
  last_all_ = hosts;
  return hosts;
}

}  // namespace hvo::controllers
