// Tenant JSON: field names exactly as the CRD spells them.
#include "api/v1alpha1/object_codec.h"
#include "api/v1alpha1/tenant_types.h"

namespace hvo::api {

using k8s::FieldErrors;
using k8s::Json;
using k8s::ObjectReader;
using k8s::put;
using k8s::put_defaulted;

void decode(const Json& value, const std::string& path, FieldErrors& errors, TenantAdmins& out) {
  const ObjectReader reader(value, path, errors);
  reader.optional("users", out.users);
  reader.optional("groups", out.groups);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, TenantSpec& out) {
  const ObjectReader reader(value, path, errors);
  reader.optional("displayName", out.display_name);
  reader.required("namespaces", out.namespaces);
  reader.optional("admins", out.admins);
  reader.optional("hostSelector", out.host_selector);
  reader.optional("allowedSwitches", out.allowed_switches);
  reader.optional("allowedVlans", out.allowed_vlans);
  reader.optional("allowedImages", out.allowed_images);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors,
            TenantNamespaceStatus& out) {
  const ObjectReader reader(value, path, errors);
  reader.required("name", out.name);
  reader.optional("ready", out.ready);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, TenantStatus& out) {
  const ObjectReader reader(value, path, errors);
  reader.optional("namespaces", out.namespaces);
  reader.optional("usage", out.usage);
  reader.optional("observedGeneration", out.observed_generation);
  reader.optional("conditions", out.conditions);
}

void encode(Json& target, const TenantAdmins& admins) {
  k8s::ensure_object(target);
  put(target, "users", admins.users);
  put(target, "groups", admins.groups);
}

void encode(Json& target, const TenantSpec& spec) {
  k8s::ensure_object(target);
  put(target, "displayName", spec.display_name);
  // Required by the schema: written even when empty.
  k8s::encode(target["namespaces"], spec.namespaces);
  put(target, "admins", spec.admins);
  put(target, "hostSelector", spec.host_selector);
  put(target, "allowedSwitches", spec.allowed_switches);
  put(target, "allowedVlans", spec.allowed_vlans);
  put(target, "allowedImages", spec.allowed_images);
}

void encode(Json& target, const TenantNamespaceStatus& namespace_status) {
  k8s::ensure_object(target);
  put(target, "name", namespace_status.name);
  put(target, "ready", namespace_status.ready);
}

void encode(Json& target, const std::vector<TenantNamespaceStatus>& namespaces) {
  k8s::encode_keyed_list(target, namespaces, "name",
                         [](const TenantNamespaceStatus& n) { return n.name; });
}

void encode(Json& target, const TenantStatus& status) {
  k8s::ensure_object(target);
  put(target, "namespaces", status.namespaces);
  put(target, "usage", status.usage);
  put_defaulted(target, "observedGeneration", status.observed_generation, std::int64_t{0});
  put(target, "conditions", status.conditions);
}

Result<Tenant> Tenant::from_json(const Json& json) {
  return decode_object<Tenant>(json);
}

Result<Tenant> Tenant::parse(std::string_view json_text) {
  return parse_object<Tenant>(json_text);
}

Json Tenant::to_json() const {
  return encode_object(*this);
}

}  // namespace hvo::api
