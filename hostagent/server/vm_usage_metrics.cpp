#include "hostagent/server/vm_usage_metrics.h"

#include <set>

namespace hvo::agent {
namespace {

const std::vector<std::string> kLabels = {"namespace", "name", "uid"};

// What a cumulative figure grew by; a lower figure means its source started again from zero.
double growth(double now, double before) {
  return now >= before ? now - before : now;
}

}  // namespace

VmUsageMetrics::VmUsageMetrics(metrics::Registry& registry)
    : cpu_seconds_(registry.counter("hyperv_agent_vm_cpu_seconds_total",
                                    "CPU time used by the VM's virtual processors.", kLabels)),
      memory_assigned_(registry.gauge("hyperv_agent_vm_memory_assigned_bytes",
                                      "Memory the host assigns to the VM now.", kLabels)),
      disk_read_(registry.counter("hyperv_agent_vm_disk_read_bytes_total",
                                  "Bytes the VM read from its virtual disks.", kLabels)),
      disk_write_(registry.counter("hyperv_agent_vm_disk_write_bytes_total",
                                   "Bytes the VM wrote to its virtual disks.", kLabels)),
      network_rx_(registry.counter("hyperv_agent_vm_network_receive_bytes_total",
                                   "Bytes the VM's network adapters received.", kLabels)),
      network_tx_(registry.counter("hyperv_agent_vm_network_transmit_bytes_total",
                                   "Bytes the VM's network adapters sent.", kLabels)) {}

void VmUsageMetrics::drop_locked(const metrics::LabelValues& labels) {
  cpu_seconds_.remove(labels);
  memory_assigned_.remove(labels);
  disk_read_.remove(labels);
  disk_write_.remove(labels);
  network_rx_.remove(labels);
  network_tx_.remove(labels);
}

void VmUsageMetrics::publish(const std::vector<VmUsage>& reading) {
  std::lock_guard<std::mutex> lock(mu_);
  std::set<std::string> seen;
  for (const VmUsage& vm : reading) {
    if (vm.uid.empty() || !seen.insert(vm.uid).second)
      continue;
    const metrics::LabelValues labels = {vm.ns, vm.name, vm.uid};
    VmUsage before;  // zero: a new series counts everything the driver reports
    auto found = last_.find(vm.uid);
    if (found != last_.end()) {
      if (found->second.labels == labels)
        before = found->second.usage;
      else
        drop_locked(found->second.labels);  // the owner's name became known: a new series
    }
    cpu_seconds_.with(labels).inc(growth(vm.cpu_seconds, before.cpu_seconds));
    memory_assigned_.with(labels).set(static_cast<double>(vm.memory_assigned_bytes));
    disk_read_.with(labels).inc(growth(static_cast<double>(vm.disk_read_bytes),
                                       static_cast<double>(before.disk_read_bytes)));
    disk_write_.with(labels).inc(growth(static_cast<double>(vm.disk_write_bytes),
                                        static_cast<double>(before.disk_write_bytes)));
    network_rx_.with(labels).inc(growth(static_cast<double>(vm.network_rx_bytes),
                                        static_cast<double>(before.network_rx_bytes)));
    network_tx_.with(labels).inc(growth(static_cast<double>(vm.network_tx_bytes),
                                        static_cast<double>(before.network_tx_bytes)));
    last_[vm.uid] = Last{labels, vm};
  }
  for (auto it = last_.begin(); it != last_.end();) {
    if (seen.count(it->first)) {
      ++it;
      continue;
    }
    drop_locked(it->second.labels);
    it = last_.erase(it);
  }
}

}  // namespace hvo::agent
