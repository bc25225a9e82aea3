#include "controllers/cache_views.h"

#include <spdlog/spdlog.h>

#include "controllers/api_conversions.h"
#include "controllers/tenant_desired.h"

namespace hvo::controllers {
namespace {

template <typename Kind>
std::vector<Kind> decode_all(const kube::Store& store) {
  std::vector<Kind> out;
  for (const auto& object : store.list()) {
    auto decoded = Kind::from_json(*object);
    if (!decoded.ok()) {
      spdlog::warn("cached_object_undecodable kind={} name={} error={}", Kind::kKind,
                   object->value(k8s::Json::json_pointer("/metadata/name"), std::string()),
                   decoded.error().message());
      continue;
    }
    out.push_back(std::move(decoded).value());
  }
  return out;
}

}  // namespace

std::vector<api::Tenant> cached_tenants(const kube::Store& tenants) {
  return decode_all<api::Tenant>(tenants);
}

std::vector<api::HyperVHost> cached_hosts(const kube::Store& hosts) {
  return decode_all<api::HyperVHost>(hosts);
}

std::vector<api::VirtualMachine> cached_vms(const kube::Store& vms) {
  return decode_all<api::VirtualMachine>(vms);
}

std::vector<VmCharge> cached_charges(const std::vector<api::VirtualMachine>& vms,
                                     const std::vector<api::Tenant>& tenants,
                                     const std::string& except) {
  std::vector<VmCharge> charges;
  for (const auto& vm : vms) {
    if (vm.metadata.key() == except)
      continue;
    const api::Tenant* tenant = tenant_of_namespace(vm.metadata.namespace_, tenants);
    if (!tenant)
      continue;
    if (auto charge = vm_charge(vm, tenant->metadata.name))
      charges.push_back(std::move(*charge));
  }
  return charges;
}

HostLabels host_labels(const std::vector<api::HyperVHost>& hosts) {
  HostLabels labels;
  for (const auto& host : hosts)
    labels[host.metadata.name] = host.metadata.labels;
  return labels;
}

}  // namespace hvo::controllers
