#include "controllers/domain_metrics.h"

#include <map>

#include "api/v1alpha1/hyperv_host_types.h"
#include "api/v1alpha1/quota_types.h"
#include "api/v1alpha1/virtual_machine_types.h"
#include "controllers/api_conversions.h"
#include "controllers/conditions.h"
#include "controllers/decoded_hosts.h"
#include "operator/typed_kinds.h"

namespace hvo::controllers {
namespace {

struct Families {
  metrics::GaugeFamily& vms;
  metrics::GaugeFamily& host_ready;
  metrics::GaugeFamily& host_vms;
  metrics::GaugeFamily& host_capacity;
  metrics::GaugeFamily& host_allocatable;
  metrics::GaugeFamily& host_allocated;
  metrics::GaugeFamily& quota_used;
  metrics::GaugeFamily& quota_hard;
};

void set_resources(metrics::GaugeFamily& family, const std::string& host,
                   const ResourceAmounts& amounts) {
  family.with({host, "cpu"}).set(static_cast<double>(amounts.cpu));
  family.with({host, "memory_bytes"}).set(static_cast<double>(amounts.memory));
  family.with({host, "storage_bytes"}).set(static_cast<double>(amounts.storage));
}

void set_quota(metrics::GaugeFamily& family, const std::string& quota, const std::string& tenant,
               const api::QuotaAmounts& amounts) {
  const auto set = [&](const char* resource, std::optional<double> value) {
    if (value)
      family.with({quota, tenant, resource}).set(*value);
  };
  set("vcpus", amounts.vcpus ? std::optional<double>(*amounts.vcpus) : std::nullopt);
  set("memory_bytes",
      amounts.memory ? std::optional<double>(amounts.memory->value()) : std::nullopt);
  set("storage_bytes",
      amounts.storage ? std::optional<double>(amounts.storage->value()) : std::nullopt);
  set("vms", amounts.vms ? std::optional<double>(*amounts.vms) : std::nullopt);
}

// (namespace, status.phase) of a VM; a VM without a phase yet is Pending.
std::pair<std::string, std::string> phase_of(const k8s::Json& vm) {
  std::string ns;
  if (const auto meta = vm.find("metadata"); meta != vm.end() && meta->is_object())
    ns = meta->value("namespace", std::string());
  std::string phase(api::to_string(api::VirtualMachinePhase::kPending));
  if (const auto status = vm.find("status"); status != vm.end() && status->is_object())
    phase = status->value("phase", phase);
  return {std::move(ns), std::move(phase)};
}

void collect(const Families& families, const DomainMetricSources& sources,
             const DecodedHosts& decoded_hosts) {
  families.vms.clear();
  for (const auto& [labels, count] : sources.vm_phases.counts())
    families.vms.with({labels.first, labels.second}).set(count);

  for (auto* family : {&families.host_ready, &families.host_vms, &families.host_capacity,
                       &families.host_allocatable, &families.host_allocated})
    family->clear();
  // Decoded once per host version, not per scrape (DecodedHosts logs an undecodable host).
  for (const auto& host_ptr : decoded_hosts.all()) {
    const api::HyperVHost& host = *host_ptr;
    const std::string& name = host.metadata.name;
    const bool ready = k8s::is_true(host.status.conditions, condition_type::kReady);
    families.host_ready.with({name}).set(ready ? 1 : 0);
    families.host_vms.with({name}).set(static_cast<double>(host.status.vm_count));
    if (host.status.capacity)
      set_resources(families.host_capacity, name, to_amounts(*host.status.capacity));
    if (host.status.allocatable)
      set_resources(families.host_allocatable, name, to_amounts(*host.status.allocatable));
    if (host.status.allocated)
      set_resources(families.host_allocated, name, to_amounts(*host.status.allocated));
  }

  families.quota_used.clear();
  families.quota_hard.clear();
  for (const auto& object : sources.quotas.list()) {
    auto quota = api::Quota::from_json(*object);
    if (!quota.ok())
      continue;
    set_quota(families.quota_hard, quota->metadata.name, quota->spec.tenant, quota->spec.hard);
    if (quota->status.used)
      set_quota(families.quota_used, quota->metadata.name, quota->spec.tenant, *quota->status.used);
  }
}

}  // namespace

kube::StoreObserver VmPhaseCounts::observer() {
  return
      [this](const std::string&, const kube::ObjectPtr& previous, const kube::ObjectPtr& current) {
        std::lock_guard<std::mutex> lock(mu_);
        if (previous) {
          const auto labels = phase_of(*previous);
          if (--counts_[labels] <= 0)
            counts_.erase(labels);
        }
        if (current)
          ++counts_[phase_of(*current)];
      };
}

VmPhaseCounts::Counts VmPhaseCounts::counts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_;
}

void register_domain_metrics(metrics::Registry& registry, DomainMetricSources sources) {
  const std::vector<std::string> host_resource = {"host", "resource"};
  const std::vector<std::string> quota_resource = {"quota", "tenant", "resource"};
  Families families{
      registry.gauge("hyperv_virtualmachines", "VirtualMachines by status.phase.",
                     {"namespace", "phase"}),
      registry.gauge("hyperv_host_ready", "1 when the host's Ready condition is True, else 0.",
                     {"host"}),
      registry.gauge("hyperv_host_vms", "Managed VMs on the host.", {"host"}),
      registry.gauge("hyperv_host_capacity", "Host capacity.", host_resource),
      registry.gauge("hyperv_host_allocatable", "Capacity after reserved and overcommit.",
                     host_resource),
      registry.gauge("hyperv_host_allocated", "Sum over VMs placed on the host.", host_resource),
      registry.gauge("hyperv_quota_used", "Quota use.", quota_resource),
      registry.gauge("hyperv_quota_hard", "Quota limit.", quota_resource),
  };
  auto decoded_hosts = std::make_shared<const DecodedHosts>(sources.hosts);
  registry.add_collector(
      [families, sources, decoded_hosts] { collect(families, sources, *decoded_hosts); });
}

}  // namespace hvo::controllers
