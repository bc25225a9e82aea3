#include "controllers/api_conversions.h"

#include <algorithm>

#include "controllers/conditions.h"

namespace hvo::controllers {
namespace {

std::int64_t bytes_of(const std::optional<k8s::Quantity>& quantity) {
  return quantity ? quantity->value() : 0;
}

PlacementStrategy to_strategy(api::PlacementStrategy strategy) {
  return strategy == api::PlacementStrategy::kBinPack ? PlacementStrategy::kBinPack
                                                      : PlacementStrategy::kSpread;
}

}  // namespace

ResourceAmounts vm_requested(const api::VirtualMachineSpec& spec) {
  ResourceAmounts amounts;
  amounts.cpu = spec.cpu.count;
  amounts.memory = spec.memory.startup.value();
  if (spec.memory.dynamic)
    amounts.memory = std::max(amounts.memory, bytes_of(spec.memory.dynamic->maximum));
  for (const auto& disk : spec.disks)
    amounts.storage += bytes_of(disk.size);
  return amounts;
}

QuotaUsage quota_usage(const ResourceAmounts& amounts) {
  return QuotaUsage{amounts.cpu, amounts.memory, amounts.storage, 1};
}

std::set<std::string> required_capabilities(const api::VirtualMachineSpec& spec) {
  std::set<std::string> capabilities;
  if (spec.firmware && spec.firmware->secure_boot.value_or(false))
    capabilities.insert("secureBoot");
  if (spec.firmware && spec.firmware->tpm.value_or(false))
    capabilities.insert("tpm");
  if (spec.cpu.expose_virtualization_extensions.value_or(false))
    capabilities.insert("nestedVirtualization");
  if (spec.memory.dynamic)
    capabilities.insert("dynamicMemory");
  return capabilities;
}

Result<PlacementRequest> placement_request(const api::VirtualMachine& vm,
                                           const api::Tenant* tenant) {
  const auto& spec = vm.spec;
  PlacementRequest request;
  request.requested = vm_requested(spec);
  request.capabilities = required_capabilities(spec);
  request.image = spec.image;
  for (const auto& network : spec.networks)
    request.switches.insert(network.switch_name);
  request.pinned_host = spec.placement.host;
  request.strategy = to_strategy(spec.placement.strategy);
  request.anti_affinity_group = spec.placement.anti_affinity_group;
  request.anti_affinity_topology =
      spec.placement.anti_affinity_topology == api::AntiAffinityTopology::kZone
          ? AntiAffinityTopology::kZone
          : AntiAffinityTopology::kHost;

  // An absent selector means any host here (k8s::to_selector reads a null one as "nothing").
  if (spec.placement.host_selector) {
    auto selector = k8s::to_selector(*spec.placement.host_selector);
    if (!selector.ok())
      return selector.error().with_context("spec.placement.hostSelector");
    request.host_selector = std::move(selector).value();
  }
  if (tenant && tenant->spec.host_selector) {
    auto tenant_selector = k8s::to_selector(*tenant->spec.host_selector);
    if (!tenant_selector.ok())
      return tenant_selector.error().with_context("tenant " + tenant->metadata.name +
                                                  " spec.hostSelector");
    request.tenant_host_selector = std::move(tenant_selector).value();
  }
  return request;
}

ResourceAmounts to_amounts(const api::ResourceAmounts& amounts) {
  return ResourceAmounts{amounts.cpu, amounts.memory.value(), amounts.storage.value()};
}

api::ResourceAmounts to_api(const ResourceAmounts& amounts) {
  api::ResourceAmounts out;
  out.cpu = amounts.cpu;
  out.memory = k8s::Quantity::from_int(amounts.memory, k8s::Quantity::Format::kBinarySI);
  out.storage = k8s::Quantity::from_int(amounts.storage, k8s::Quantity::Format::kBinarySI);
  return out;
}

HostSnapshot host_snapshot(const api::HyperVHost& host, const ResourceAmounts& allocated,
                           std::set<std::string> anti_affinity_groups) {
  HostSnapshot snapshot;
  snapshot.name = host.metadata.name;
  snapshot.labels = host.metadata.labels;
  snapshot.zone = host.spec.zone;
  snapshot.ready = k8s::is_true(host.status.conditions, condition_type::kReady);
  snapshot.reachable = !k8s::is_false(host.status.conditions, condition_type::kReachable);
  // A fenced host is off or cut off (failover_planner.h): it takes no VM until unfenced.
  snapshot.unschedulable = host.spec.unschedulable || host.spec.fenced;
  snapshot.maintenance = host.spec.maintenance;
  snapshot.capabilities.insert(host.status.capabilities.begin(), host.status.capabilities.end());
  for (const auto& image : host.status.images)
    snapshot.images.insert(image.name);
  for (const auto& virtual_switch : host.status.switches)
    snapshot.switches.insert(virtual_switch.name);
  if (host.status.allocatable)
    snapshot.allocatable = to_amounts(*host.status.allocatable);
  snapshot.allocated = allocated;
  snapshot.anti_affinity_groups = std::move(anti_affinity_groups);
  return snapshot;
}

Result<QuotaSnapshot> quota_snapshot(const api::Quota& quota) {
  QuotaSnapshot snapshot;
  snapshot.name = quota.metadata.name;
  snapshot.tenant = quota.spec.tenant;
  const auto& hard = quota.spec.hard;
  snapshot.hard.vcpus = hard.vcpus;
  if (hard.memory)
    snapshot.hard.memory = hard.memory->value();
  if (hard.storage)
    snapshot.hard.storage = hard.storage->value();
  snapshot.hard.vms = hard.vms;
  if (quota.spec.host_selector) {
    auto selector = k8s::to_selector(*quota.spec.host_selector);
    if (!selector.ok())
      return selector.error().with_context("quota " + quota.metadata.name + " spec.hostSelector");
    snapshot.host_scope = std::move(selector).value();
  }
  return snapshot;
}

std::optional<VmCharge> vm_charge(const api::VirtualMachine& vm, const std::string& tenant) {
  if (!vm.status.allocated || !k8s::is_true(vm.status.conditions, condition_type::kQuotaReserved))
    return std::nullopt;
  VmCharge charge;
  charge.vm = vm.metadata.key();
  charge.tenant = tenant;
  charge.host = vm.status.host;
  charge.usage = quota_usage(to_amounts(*vm.status.allocated));
  charge.provisioned = k8s::is_true(vm.status.conditions, condition_type::kProvisioned);
  return charge;
}

}  // namespace hvo::controllers
