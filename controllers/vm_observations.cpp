#include "controllers/vm_observations.h"

namespace hvo::controllers {
namespace {

using Json = k8s::Json;

// The member `name` of `object` when both are there; else null.
const Json* member(const Json* object, const char* name) {
  if (!object || !object->is_object())
    return nullptr;
  const auto found = object->find(name);
  return found == object->end() ? nullptr : &*found;
}

std::string text(const Json* value) {
  return value && value->is_string() ? value->get<std::string>() : std::string();
}

}  // namespace

bool VmObservation::operator==(const VmObservation& other) const {
  return key == other.key && uid == other.uid && host == other.host && vm_id == other.vm_id &&
         power_state == other.power_state && ip_addresses == other.ip_addresses &&
         deleting == other.deleting;
}

VmObservation observe_vm(const std::string& key, const Json& vm) {
  // Walked member by member: this runs for every VM change under the store's write lock.
  const Json* metadata = member(&vm, "metadata");
  const Json* status = member(&vm, "status");
  VmObservation observed;
  observed.key = key;
  observed.uid = text(member(metadata, "uid"));
  const Json* deletion = member(metadata, "deletionTimestamp");
  observed.deleting = deletion && !deletion->is_null();
  observed.host = text(member(status, "host"));
  observed.vm_id = text(member(status, "vmId"));
  observed.power_state = text(member(status, "powerState"));
  if (const Json* addresses = member(status, "ipAddresses"); addresses && addresses->is_array()) {
    for (const Json& address : *addresses) {
      if (address.is_string())
        observed.ip_addresses.push_back(address.get<std::string>());
    }
  }
  return observed;
}

kube::StoreObserver VmObservations::observer() {
  return [this](const std::string& key, const kube::ObjectPtr&, const kube::ObjectPtr& current) {
    on_cache_change(key, current);
  };
}

void VmObservations::on_cache_change(const std::string& key, const kube::ObjectPtr& current) {
  VmObservation observed = current ? observe_vm(key, *current) : VmObservation();
  std::lock_guard<std::mutex> lock(mu_);
  if (const auto placed = host_of_.find(key); placed != host_of_.end()) {
    const auto host = by_host_.find(placed->second);
    host->second.erase(key);
    if (host->second.empty())
      by_host_.erase(host);
    host_of_.erase(placed);
  }
  if (observed.host.empty())
    return;  // gone, or not placed: no host's poll looks at it
  host_of_[key] = observed.host;
  by_host_[observed.host][key] = std::move(observed);
}

std::vector<VmObservation> VmObservations::on_host(const std::string& host) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<VmObservation> vms;
  const auto found = by_host_.find(host);
  if (found == by_host_.end())
    return vms;
  vms.reserve(found->second.size());
  for (const auto& [key, observed] : found->second)
    vms.push_back(observed);
  return vms;
}

std::size_t VmObservations::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return host_of_.size();
}

}  // namespace hvo::controllers
