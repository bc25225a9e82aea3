#include "controllers/vm_desired_spec.h"

#include <cctype>
#include <type_traits>

namespace hvo::controllers {
namespace {

template <typename T>
std::string list(const std::set<T>& items) {
  std::string text;
  for (const auto& item : items) {
    if (!text.empty())
      text += ", ";
    if constexpr (std::is_same_v<T, std::string>) {
      text += item;
    } else {
      text += std::to_string(item);
    }
  }
  return text;
}

Error invalid(const std::string& field, const std::string& problem) {
  return Error(ErrorCode::kInvalidArgument, field + ": " + problem);
}

Error not_allowed(const std::string& field, const std::string& what, const std::string& tenant,
                  const std::string& allowed) {
  return invalid(field,
                 what + " is not allowed for tenant " + tenant + " (allowed: " + allowed + ")");
}

// Bytes of a quantity that must be positive (or zero when allowed).
Result<std::int64_t> bytes(const k8s::Quantity& quantity, const std::string& field,
                           bool allow_zero) {
  if (quantity.sign() < 0 || (!allow_zero && quantity.is_zero()))
    return invalid(field, "must be " + std::string(allow_zero ? "zero or more" : "more than zero") +
                              ", got " + quantity.to_string());
  return quantity.value();
}

Result<agent::MemorySpec> memory_spec(const api::MemorySpec& memory) {
  agent::MemorySpec out;
  auto startup = bytes(memory.startup, "spec.memory.startup", false);
  if (!startup.ok())
    return startup.error();
  out.startup_bytes = *startup;
  if (!memory.dynamic)
    return out;

  agent::DynamicMemorySpec dynamic;
  dynamic.minimum_bytes = out.startup_bytes;
  dynamic.maximum_bytes = out.startup_bytes;
  if (memory.dynamic->minimum) {
    auto minimum = bytes(*memory.dynamic->minimum, "spec.memory.dynamic.minimum", false);
    if (!minimum.ok())
      return minimum.error();
    dynamic.minimum_bytes = *minimum;
  }
  if (memory.dynamic->maximum) {
    auto maximum = bytes(*memory.dynamic->maximum, "spec.memory.dynamic.maximum", false);
    if (!maximum.ok())
      return maximum.error();
    dynamic.maximum_bytes = *maximum;
  }
  if (dynamic.minimum_bytes > out.startup_bytes)
    return invalid("spec.memory.dynamic.minimum", "must not exceed spec.memory.startup");
  if (dynamic.maximum_bytes < out.startup_bytes)
    return invalid("spec.memory.dynamic.maximum", "must not be less than spec.memory.startup");
  if (memory.dynamic->buffer_percent)
    dynamic.buffer_percent = *memory.dynamic->buffer_percent;
  out.dynamic = dynamic;
  return out;
}

agent::CpuSpec cpu_spec(const api::CpuSpec& cpu) {
  agent::CpuSpec out;
  out.count = cpu.count;
  out.reserve_percent = cpu.reserve_percent.value_or(out.reserve_percent);
  out.limit_percent = cpu.limit_percent.value_or(out.limit_percent);
  out.weight = cpu.weight.value_or(out.weight);
  out.expose_virtualization_extensions =
      cpu.expose_virtualization_extensions.value_or(out.expose_virtualization_extensions);
  out.compatibility_for_migration =
      cpu.compatibility_for_migration.value_or(out.compatibility_for_migration);
  return out;
}

agent::FirmwareSpec firmware_spec(const std::optional<api::FirmwareSpec>& firmware) {
  agent::FirmwareSpec out;
  if (!firmware)
    return out;
  out.secure_boot = firmware->secure_boot.value_or(false);
  if (firmware->secure_boot_template)
    out.secure_boot_template = api::to_string(*firmware->secure_boot_template);
  out.tpm = firmware->tpm.value_or(false);
  return out;
}

Result<std::vector<agent::DiskSpec>> disk_specs(const api::VirtualMachineSpec& spec) {
  std::vector<agent::DiskSpec> out;
  for (std::size_t i = 0; i < spec.disks.size(); ++i) {
    const auto& disk = spec.disks[i];
    const std::string field = "spec.disks[" + std::to_string(i) + "]";
    agent::DiskSpec converted;
    converted.name = disk.name;
    converted.source = disk.source == api::DiskSource::kImage ? agent::DiskSource::kImage
                                                              : agent::DiskSource::kBlank;
    if (converted.source == agent::DiskSource::kImage && spec.image.empty())
      return invalid(field + ".source", "is image, but spec.image names no base image");
    if (disk.size) {
      auto size = bytes(*disk.size, field + ".size", converted.source == agent::DiskSource::kImage);
      if (!size.ok())
        return size.error();
      converted.size_bytes = *size;
    } else if (converted.source == agent::DiskSource::kBlank) {
      return invalid(field + ".size", "is required for a blank disk");
    }
    out.push_back(std::move(converted));
  }
  return out;
}

Result<std::vector<agent::NetworkSpec>> network_specs(const api::VirtualMachineSpec& spec) {
  std::vector<agent::NetworkSpec> out;
  for (std::size_t i = 0; i < spec.networks.size(); ++i) {
    const auto& network = spec.networks[i];
    agent::NetworkSpec converted;
    converted.name = network.name;
    converted.switch_name = network.switch_name;
    if (network.vlan_id)
      converted.vlan_id = *network.vlan_id;
    if (!network.mac_address.empty()) {
      auto mac = normalize_mac_address(network.mac_address);
      if (!mac)
        return invalid("spec.networks[" + std::to_string(i) + "].macAddress",
                       "\"" + network.mac_address + "\" is not a MAC address (12 hex digits)");
      converted.mac_address = *mac;
    }
    out.push_back(std::move(converted));
  }
  return out;
}

std::optional<agent::CloudInitSpec> cloud_init_spec(const std::optional<api::CloudInitSpec>& spec,
                                                    const std::optional<std::string>& user_data) {
  if (!spec && !user_data)
    return std::nullopt;
  agent::CloudInitSpec out;
  out.user_data = user_data.value_or("");
  if (spec) {
    out.meta_data = spec->meta_data.value_or("");
    out.network_data = spec->network_data.value_or("");
  }
  return out;
}

}  // namespace

TenantPolicy tenant_policy(const api::Tenant& tenant) {
  TenantPolicy policy;
  policy.tenant = tenant.metadata.name;
  policy.allowed_switches.insert(tenant.spec.allowed_switches.begin(),
                                 tenant.spec.allowed_switches.end());
  policy.allowed_vlans.insert(tenant.spec.allowed_vlans.begin(), tenant.spec.allowed_vlans.end());
  policy.allowed_images.insert(tenant.spec.allowed_images.begin(),
                               tenant.spec.allowed_images.end());
  return policy;
}

Status check_tenant_policy(const api::VirtualMachineSpec& spec, const TenantPolicy& policy) {
  if (!spec.image.empty() && !policy.allowed_images.empty() &&
      !policy.allowed_images.count(spec.image)) {
    return not_allowed("spec.image", "image \"" + spec.image + "\"", policy.tenant,
                       list(policy.allowed_images));
  }
  for (std::size_t i = 0; i < spec.networks.size(); ++i) {
    const auto& network = spec.networks[i];
    const std::string field = "spec.networks[" + std::to_string(i) + "]";
    if (!policy.allowed_switches.empty() && !policy.allowed_switches.count(network.switch_name)) {
      return not_allowed(field + ".switch", "switch \"" + network.switch_name + "\"", policy.tenant,
                         list(policy.allowed_switches));
    }
    if (!policy.allowed_vlans.empty()) {
      if (!network.vlan_id) {
        return invalid(field + ".vlanId", "is required: tenant " + policy.tenant +
                                              " allows only VLANs " + list(policy.allowed_vlans));
      }
      if (!policy.allowed_vlans.count(*network.vlan_id)) {
        return not_allowed(field + ".vlanId", "VLAN " + std::to_string(*network.vlan_id),
                           policy.tenant, list(policy.allowed_vlans));
      }
    }
  }
  return OkStatus();
}

Result<agent::VmSpec> desired_vm_spec(const api::VirtualMachine& vm,
                                      const std::optional<std::string>& user_data,
                                      agent::PowerIntent power) {
  const auto& spec = vm.spec;
  if (spec.cpu.count < 1)
    return invalid("spec.cpu.count", "must be at least 1, got " + std::to_string(spec.cpu.count));
  auto memory = memory_spec(spec.memory);
  if (!memory.ok())
    return memory.error();
  auto disks = disk_specs(spec);
  if (!disks.ok())
    return disks.error();
  auto networks = network_specs(spec);
  if (!networks.ok())
    return networks.error();

  agent::VmSpec out;
  out.uid = vm.metadata.uid;
  out.name = vm.metadata.name;
  out.namespace_ = vm.metadata.namespace_;
  out.object_generation = vm.metadata.generation;
  out.generation = spec.generation;
  out.cpu = cpu_spec(spec.cpu);
  out.memory = std::move(memory).value();
  out.firmware = firmware_spec(spec.firmware);
  out.image = spec.image;
  out.disks = std::move(disks).value();
  out.networks = std::move(networks).value();
  out.cloud_init = cloud_init_spec(spec.cloud_init, user_data);
  out.power = power;
  // The agent bounds a graceful stop it makes on its own (power: Off in ensure) by this.
  out.shutdown_timeout_seconds = spec.shutdown.timeout_seconds;
  return out;
}

std::optional<std::string> normalize_mac_address(const std::string& text) {
  std::string digits;
  for (const char c : text) {
    if (c == ':' || c == '-')
      continue;
    if (!std::isxdigit(static_cast<unsigned char>(c)))
      return std::nullopt;
    digits += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (digits.size() != 12)
    return std::nullopt;
  return digits;
}

}  // namespace hvo::controllers
