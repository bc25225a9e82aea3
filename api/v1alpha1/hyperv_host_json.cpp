// HyperVHost JSON: field names exactly as the CRD spells them.
#include "api/v1alpha1/hyperv_host_types.h"
#include "api/v1alpha1/object_codec.h"

namespace hvo::api {

using k8s::FieldErrors;
using k8s::Json;
using k8s::ObjectReader;
using k8s::put;
using k8s::put_defaulted;

void decode(const Json& value, const std::string& path, FieldErrors& errors, SecretRef& out) {
  const ObjectReader reader(value, path, errors);
  reader.required("name", out.name);
  reader.required("namespace", out.namespace_);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, HostReserved& out) {
  const ObjectReader reader(value, path, errors);
  reader.optional("cpu", out.cpu);
  reader.optional("memory", out.memory);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, Overcommit& out) {
  const ObjectReader reader(value, path, errors);
  reader.optional("cpuRatio", out.cpu_ratio);
  reader.optional("memoryRatio", out.memory_ratio);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, HyperVHostSpec& out) {
  const ObjectReader reader(value, path, errors);
  reader.required("address", out.address);
  reader.required("credentialsSecretRef", out.credentials_secret_ref);
  reader.optional("zone", out.zone);
  reader.optional("unschedulable", out.unschedulable);
  reader.optional("maintenance", out.maintenance);
  reader.optional("fenced", out.fenced);
  reader.optional("reserved", out.reserved);
  reader.optional("overcommit", out.overcommit);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, HostSummary& out) {
  const ObjectReader reader(value, path, errors);
  reader.optional("cpu", out.cpu);
  reader.optional("memory", out.memory);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, VirtualSwitch& out) {
  const ObjectReader reader(value, path, errors);
  reader.required("name", out.name);
  reader.optional("type", out.type);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, BaseImage& out) {
  const ObjectReader reader(value, path, errors);
  reader.required("name", out.name);
  reader.optional("size", out.size);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors,
            HyperVHostStatus& out) {
  const ObjectReader reader(value, path, errors);
  reader.optional("lastHeartbeatTime", out.last_heartbeat_time);
  reader.optional("agentVersion", out.agent_version);
  reader.optional("os", out.os);
  reader.optional("capacity", out.capacity);
  reader.optional("allocatable", out.allocatable);
  reader.optional("allocated", out.allocated);
  reader.optional("summary", out.summary);
  reader.optional("capabilities", out.capabilities);
  reader.optional("switches", out.switches);
  reader.optional("images", out.images);
  reader.optional("vmCount", out.vm_count);
  reader.optional("unmanagedVmCount", out.unmanaged_vm_count);
  reader.optional("observedGeneration", out.observed_generation);
  reader.optional("conditions", out.conditions);
}

void encode(Json& target, const SecretRef& ref) {
  k8s::ensure_object(target);
  put(target, "name", ref.name);
  put(target, "namespace", ref.namespace_);
}

void encode(Json& target, const HostReserved& reserved) {
  k8s::ensure_object(target);
  put(target, "cpu", reserved.cpu);
  put(target, "memory", reserved.memory);
}

void encode(Json& target, const Overcommit& overcommit) {
  k8s::ensure_object(target);
  put_defaulted(target, "cpuRatio", overcommit.cpu_ratio, 4.0);
  put_defaulted(target, "memoryRatio", overcommit.memory_ratio, 1.0);
}

void encode(Json& target, const HyperVHostSpec& spec) {
  k8s::ensure_object(target);
  put(target, "address", spec.address);
  put(target, "credentialsSecretRef", spec.credentials_secret_ref);
  put(target, "zone", spec.zone);
  put_defaulted(target, "unschedulable", spec.unschedulable, false);
  put_defaulted(target, "maintenance", spec.maintenance, false);
  put_defaulted(target, "fenced", spec.fenced, false);
  put(target, "reserved", spec.reserved);
  put(target, "overcommit", spec.overcommit);
}

void encode(Json& target, const HostSummary& summary) {
  k8s::ensure_object(target);
  put(target, "cpu", summary.cpu);
  put(target, "memory", summary.memory);
}

void encode(Json& target, const VirtualSwitch& virtual_switch) {
  k8s::ensure_object(target);
  put(target, "name", virtual_switch.name);
  put(target, "type", virtual_switch.type);
}

void encode(Json& target, const std::vector<VirtualSwitch>& switches) {
  k8s::encode_keyed_list(target, switches, "name", [](const VirtualSwitch& s) { return s.name; });
}

void encode(Json& target, const BaseImage& image) {
  k8s::ensure_object(target);
  put(target, "name", image.name);
  put(target, "size", image.size);
}

void encode(Json& target, const std::vector<BaseImage>& images) {
  k8s::encode_keyed_list(target, images, "name", [](const BaseImage& i) { return i.name; });
}

void encode(Json& target, const HyperVHostStatus& status) {
  k8s::ensure_object(target);
  put(target, "lastHeartbeatTime", status.last_heartbeat_time);
  put(target, "agentVersion", status.agent_version);
  put(target, "os", status.os);
  put(target, "capacity", status.capacity);
  put(target, "allocatable", status.allocatable);
  put(target, "allocated", status.allocated);
  put(target, "summary", status.summary);
  put(target, "capabilities", status.capabilities);
  put(target, "switches", status.switches);
  put(target, "images", status.images);
  put_defaulted(target, "vmCount", status.vm_count, std::int64_t{0});
  put_defaulted(target, "unmanagedVmCount", status.unmanaged_vm_count, std::int64_t{0});
  put_defaulted(target, "observedGeneration", status.observed_generation, std::int64_t{0});
  put(target, "conditions", status.conditions);
}

Result<HyperVHost> HyperVHost::from_json(const Json& json) {
  return decode_object<HyperVHost>(json);
}

Result<HyperVHost> HyperVHost::parse(std::string_view json_text) {
  return parse_object<HyperVHost>(json_text);
}

Json HyperVHost::to_json() const {
  return encode_object(*this);
}

}  // namespace hvo::api
