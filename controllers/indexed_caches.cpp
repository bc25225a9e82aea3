#include "controllers/indexed_caches.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "controllers/api_conversions.h"

namespace hvo::controllers {
namespace {

using Json = k8s::Json;

template <typename T>
std::vector<T> decoded(kube::DecodedObjects<T> objects) {
  for (const Error& error : objects.errors)
    spdlog::warn("cached_object_undecodable error=\"{}\"", error.message());
  return std::move(objects.items);
}

std::vector<std::string> string_list(const Json& object, const char* pointer) {
  std::vector<std::string> values;
  const Json list = object.value(Json::json_pointer(pointer), Json::array());
  for (const Json& value : list) {
    if (value.is_string())
      values.push_back(value.get<std::string>());
  }
  return values;
}

// The first tenant by name that lists `ns`, "" when none.
std::string owner_of(const kube::Store& tenants, const std::string& ns) {
  const std::vector<std::string> names = tenants.index_keys(kTenantsByNamespace, ns);
  return names.empty() ? "" : names.front();
}

// Those of `namespaces` that `tenant` owns, each once.
std::vector<std::string> owned_namespaces(const kube::Store& tenants,
                                          const std::vector<std::string>& namespaces,
                                          const std::string& tenant) {
  std::vector<std::string> owned;
  for (const std::string& ns : namespaces) {
    if (owner_of(tenants, ns) == tenant && std::find(owned.begin(), owned.end(), ns) == owned.end())
      owned.push_back(ns);
  }
  return owned;
}

}  // namespace

std::vector<std::string> tenant_namespaces(const kube::Store& tenants, const api::Tenant& tenant) {
  return owned_namespaces(tenants, tenant.spec.namespaces, tenant.metadata.name);
}

IndexedCaches::IndexedCaches(ClusterCaches caches)
    : caches_(caches),
      vms_(caches.vms),
      hosts_(caches.hosts),
      tenants_(caches.tenants),
      quotas_(caches.quotas) {}

std::string IndexedCaches::tenant_name_of_namespace(const std::string& ns) const {
  return owner_of(caches_.tenants, ns);
}

std::vector<std::string> IndexedCaches::vm_keys_in(const std::vector<std::string>& namespaces,
                                                   const std::string& tenant) const {
  std::vector<std::string> keys;
  for (const std::string& ns : owned_namespaces(caches_.tenants, namespaces, tenant)) {
    for (std::string& key : caches_.vms.index_keys(kube::kNamespaceIndex, ns))
      keys.push_back(std::move(key));
  }
  return keys;
}

std::vector<std::string> IndexedCaches::namespaces_of_tenant(const api::Tenant& tenant) const {
  return tenant_namespaces(caches_.tenants, tenant);
}

std::vector<std::string> IndexedCaches::vm_keys_of_tenant(const std::string& tenant) const {
  const kube::ObjectPtr object = caches_.tenants.get(tenant);
  if (!object)
    return {};
  return vm_keys_in(string_list(*object, "/spec/namespaces"), tenant);
}

std::vector<std::string> IndexedCaches::vm_keys_on_host(const std::string& host) const {
  return caches_.vms.index_keys(kVmsByHost, host);
}

std::vector<std::string> IndexedCaches::quota_keys_of_tenant(const std::string& tenant) const {
  return caches_.quotas.index_keys(kQuotasByTenant, tenant);
}

std::optional<api::Tenant> IndexedCaches::tenant_of_namespace(const std::string& ns) const {
  // Several tenants may list one namespace: the first by name that decodes owns it.
  for (const std::string& key : caches_.tenants.index_keys(kTenantsByNamespace, ns)) {
    auto tenant = tenants_.get(key);
    if (tenant.ok())
      return std::move(tenant).value();
    if (tenant.error().code() != ErrorCode::kNotFound)
      spdlog::warn("cached_object_undecodable error=\"{}\"", tenant.error().message());
  }
  return std::nullopt;
}

std::vector<api::VirtualMachine> IndexedCaches::vms_on_host(const std::string& host) const {
  return decoded(vms_.by_index(kVmsByHost, host));
}

std::vector<api::Quota> IndexedCaches::quotas_of_tenant(const std::string& tenant) const {
  return decoded(quotas_.by_index(kQuotasByTenant, tenant));
}

std::vector<api::HyperVHost> IndexedCaches::hosts() const {
  return decoded(hosts_.list());
}

HostLabels IndexedCaches::host_labels() const {
  HostLabels labels;
  for (const kube::ObjectPtr& host : caches_.hosts.list()) {
    k8s::StringMap& map = labels[kube::name_of(*host)];
    const Json found = host->value(Json::json_pointer("/metadata/labels"), Json::object());
    for (const auto& [key, value] : found.items()) {
      if (value.is_string())
        map[key] = value.get<std::string>();
    }
  }
  return labels;
}

}  // namespace hvo::controllers
