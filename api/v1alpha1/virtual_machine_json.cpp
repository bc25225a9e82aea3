// VirtualMachine JSON: field names exactly as the CRD spells them.
#include "api/v1alpha1/object_codec.h"
#include "api/v1alpha1/virtual_machine_types.h"

namespace hvo::api {

using k8s::FieldErrors;
using k8s::Json;
using k8s::ObjectReader;
using k8s::put;
using k8s::put_defaulted;

void decode(const Json& value, const std::string& path, FieldErrors& errors, CpuSpec& out) {
  const ObjectReader reader(value, path, errors);
  reader.required("count", out.count);
  reader.optional("reservePercent", out.reserve_percent);
  reader.optional("limitPercent", out.limit_percent);
  reader.optional("weight", out.weight);
  reader.optional("exposeVirtualizationExtensions", out.expose_virtualization_extensions);
  reader.optional("compatibilityForMigration", out.compatibility_for_migration);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors,
            DynamicMemorySpec& out) {
  const ObjectReader reader(value, path, errors);
  reader.optional("minimum", out.minimum);
  reader.optional("maximum", out.maximum);
  reader.optional("bufferPercent", out.buffer_percent);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, MemorySpec& out) {
  const ObjectReader reader(value, path, errors);
  reader.required("startup", out.startup);
  reader.optional("dynamic", out.dynamic);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, FirmwareSpec& out) {
  const ObjectReader reader(value, path, errors);
  reader.optional("secureBoot", out.secure_boot);
  reader.optional("secureBootTemplate", out.secure_boot_template);
  reader.optional("tpm", out.tpm);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, DiskSpec& out) {
  const ObjectReader reader(value, path, errors);
  reader.required("name", out.name);
  reader.optional("size", out.size);
  reader.optional("source", out.source);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, NetworkSpec& out) {
  const ObjectReader reader(value, path, errors);
  reader.required("name", out.name);
  reader.required("switch", out.switch_name);
  reader.optional("vlanId", out.vlan_id);
  reader.optional("macAddress", out.mac_address);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, SecretKeyRef& out) {
  const ObjectReader reader(value, path, errors);
  reader.required("name", out.name);
  reader.optional("key", out.key);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, CloudInitSpec& out) {
  const ObjectReader reader(value, path, errors);
  reader.optional("userData", out.user_data);
  reader.optional("userDataSecretRef", out.user_data_secret_ref);
  reader.optional("networkData", out.network_data);
  reader.optional("metaData", out.meta_data);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, PlacementSpec& out) {
  const ObjectReader reader(value, path, errors);
  reader.optional("host", out.host);
  reader.optional("hostSelector", out.host_selector);
  reader.optional("strategy", out.strategy);
  reader.optional("antiAffinityGroup", out.anti_affinity_group);
  reader.optional("antiAffinityTopology", out.anti_affinity_topology);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, ShutdownSpec& out) {
  const ObjectReader reader(value, path, errors);
  reader.optional("mode", out.mode);
  reader.optional("timeoutSeconds", out.timeout_seconds);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, UpdateStrategy& out) {
  const ObjectReader reader(value, path, errors);
  reader.optional("type", out.type);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, RestartProgress& out) {
  const ObjectReader reader(value, path, errors);
  reader.optional("phase", out.phase);
  reader.optional("reason", out.reason);
  reader.optional("startedAt", out.started_at);
  reader.optional("fields", out.fields);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors,
            AvailabilitySpec& out) {
  const ObjectReader reader(value, path, errors);
  reader.optional("restartOnHostFailure", out.restart_on_host_failure);
  reader.optional("hostFailureTimeout", out.host_failure_timeout);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, StaleCopy& out) {
  const ObjectReader reader(value, path, errors);
  reader.required("host", out.host);
  reader.optional("vmId", out.vm_id);
  reader.optional("since", out.since);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors,
            VirtualMachineSpec& out) {
  const ObjectReader reader(value, path, errors);
  reader.optional("runStrategy", out.run_strategy);
  reader.optional("generation", out.generation);
  reader.required("cpu", out.cpu);
  reader.required("memory", out.memory);
  reader.optional("firmware", out.firmware);
  reader.optional("image", out.image);
  reader.optional("disks", out.disks);
  reader.optional("networks", out.networks);
  reader.optional("cloudInit", out.cloud_init);
  reader.optional("placement", out.placement);
  reader.optional("shutdown", out.shutdown);
  reader.optional("restartRequestedAt", out.restart_requested_at);
  reader.optional("updateStrategy", out.update_strategy);
  reader.optional("deletionPolicy", out.deletion_policy);
  reader.optional("availability", out.availability);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors,
            VirtualMachineStatus& out) {
  const ObjectReader reader(value, path, errors);
  reader.optional("phase", out.phase);
  reader.optional("host", out.host);
  reader.optional("vmId", out.vm_id);
  reader.optional("powerState", out.power_state);
  reader.optional("ipAddresses", out.ip_addresses);
  reader.optional("allocated", out.allocated);
  reader.optional("lastRestartTime", out.last_restart_time);
  reader.optional("restart", out.restart);
  reader.optional("staleCopies", out.stale_copies);
  reader.optional("migration", out.migration);
  reader.optional("observedGeneration", out.observed_generation);
  reader.optional("conditions", out.conditions);
}

void encode(Json& target, const CpuSpec& cpu) {
  k8s::ensure_object(target);
  put(target, "count", cpu.count);
  put(target, "reservePercent", cpu.reserve_percent);
  put(target, "limitPercent", cpu.limit_percent);
  put(target, "weight", cpu.weight);
  put(target, "exposeVirtualizationExtensions", cpu.expose_virtualization_extensions);
  put(target, "compatibilityForMigration", cpu.compatibility_for_migration);
}

void encode(Json& target, const DynamicMemorySpec& dynamic) {
  k8s::ensure_object(target);
  put(target, "minimum", dynamic.minimum);
  put(target, "maximum", dynamic.maximum);
  put(target, "bufferPercent", dynamic.buffer_percent);
}

void encode(Json& target, const MemorySpec& memory) {
  k8s::ensure_object(target);
  put(target, "startup", memory.startup);
  put(target, "dynamic", memory.dynamic);
}

void encode(Json& target, const FirmwareSpec& firmware) {
  k8s::ensure_object(target);
  put(target, "secureBoot", firmware.secure_boot);
  put(target, "secureBootTemplate", firmware.secure_boot_template);
  put(target, "tpm", firmware.tpm);
}

void encode(Json& target, const DiskSpec& disk) {
  k8s::ensure_object(target);
  put(target, "name", disk.name);
  put(target, "size", disk.size);
  put_defaulted(target, "source", disk.source, DiskSource::kBlank);
}

void encode(Json& target, const std::vector<DiskSpec>& disks) {
  k8s::encode_keyed_list(target, disks, "name", [](const DiskSpec& d) { return d.name; });
}

void encode(Json& target, const NetworkSpec& network) {
  k8s::ensure_object(target);
  put(target, "name", network.name);
  put(target, "switch", network.switch_name);
  put(target, "vlanId", network.vlan_id);
  put(target, "macAddress", network.mac_address);
}

void encode(Json& target, const std::vector<NetworkSpec>& networks) {
  k8s::encode_keyed_list(target, networks, "name", [](const NetworkSpec& n) { return n.name; });
}

void encode(Json& target, const SecretKeyRef& ref) {
  k8s::ensure_object(target);
  put(target, "name", ref.name);
  put_defaulted(target, "key", ref.key, std::string("userdata"));
}

void encode(Json& target, const CloudInitSpec& cloud_init) {
  k8s::ensure_object(target);
  put(target, "userData", cloud_init.user_data);
  put(target, "userDataSecretRef", cloud_init.user_data_secret_ref);
  put(target, "networkData", cloud_init.network_data);
  put(target, "metaData", cloud_init.meta_data);
}

void encode(Json& target, const PlacementSpec& placement) {
  k8s::ensure_object(target);
  put(target, "host", placement.host);
  put(target, "hostSelector", placement.host_selector);
  put_defaulted(target, "strategy", placement.strategy, PlacementStrategy::kSpread);
  put(target, "antiAffinityGroup", placement.anti_affinity_group);
  put_defaulted(target, "antiAffinityTopology", placement.anti_affinity_topology,
                AntiAffinityTopology::kHost);
}

void encode(Json& target, const ShutdownSpec& shutdown) {
  k8s::ensure_object(target);
  put_defaulted(target, "mode", shutdown.mode, ShutdownMode::kGraceful);
  put_defaulted(target, "timeoutSeconds", shutdown.timeout_seconds, std::int32_t{120});
}

void encode(Json& target, const UpdateStrategy& strategy) {
  k8s::ensure_object(target);
  put_defaulted(target, "type", strategy.type, UpdateStrategyType::kManual);
}

void encode(Json& target, const RestartProgress& restart) {
  k8s::ensure_object(target);
  put(target, "phase", restart.phase);
  put(target, "reason", restart.reason);
  put(target, "startedAt", restart.started_at);
  put(target, "fields", restart.fields);
}

void encode(Json& target, const AvailabilitySpec& availability) {
  k8s::ensure_object(target);
  put_defaulted(target, "restartOnHostFailure", availability.restart_on_host_failure, false);
  put_defaulted(target, "hostFailureTimeout", availability.host_failure_timeout, std::string("5m"));
}

void encode(Json& target, const StaleCopy& copy) {
  k8s::ensure_object(target);
  put(target, "host", copy.host);
  put(target, "vmId", copy.vm_id);
  put(target, "since", copy.since);
}

void encode(Json& target, const std::vector<StaleCopy>& copies) {
  k8s::encode_keyed_list(target, copies, "host", [](const StaleCopy& c) { return c.host; });
}

void encode(Json& target, const VirtualMachineSpec& spec) {
  k8s::ensure_object(target);
  put_defaulted(target, "runStrategy", spec.run_strategy, RunStrategy::kAlways);
  put_defaulted(target, "generation", spec.generation, std::int32_t{2});
  put(target, "cpu", spec.cpu);
  put(target, "memory", spec.memory);
  put(target, "firmware", spec.firmware);
  put(target, "image", spec.image);
  put(target, "disks", spec.disks);
  put(target, "networks", spec.networks);
  put(target, "cloudInit", spec.cloud_init);
  put(target, "placement", spec.placement);
  put(target, "shutdown", spec.shutdown);
  put(target, "restartRequestedAt", spec.restart_requested_at);
  put(target, "updateStrategy", spec.update_strategy);
  put_defaulted(target, "deletionPolicy", spec.deletion_policy, DeletionPolicy::kDelete);
  put(target, "availability", spec.availability);
}

void encode(Json& target, const VirtualMachineStatus& status) {
  k8s::ensure_object(target);
  put(target, "phase", status.phase);
  put(target, "host", status.host);
  put(target, "vmId", status.vm_id);
  put(target, "powerState", status.power_state);
  put(target, "ipAddresses", status.ip_addresses);
  put(target, "allocated", status.allocated);
  put(target, "lastRestartTime", status.last_restart_time);
  put(target, "restart", status.restart);
  put(target, "staleCopies", status.stale_copies);
  put(target, "migration", status.migration);
  put_defaulted(target, "observedGeneration", status.observed_generation, std::int64_t{0});
  put(target, "conditions", status.conditions);
}

Result<VirtualMachine> VirtualMachine::from_json(const Json& json) {
  return decode_object<VirtualMachine>(json);
}

Result<VirtualMachine> VirtualMachine::parse(std::string_view json_text) {
  return parse_object<VirtualMachine>(json_text);
}

Json VirtualMachine::to_json() const {
  return encode_object(*this);
}

}  // namespace hvo::api
