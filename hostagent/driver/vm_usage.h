// What a managed VM has used, as a driver reads it at scrape time (GET /metrics): cumulative
// figures since the driver started counting them (metering enabled, or the sim VM created),
// except the memory assigned now. The exporter (server/vm_usage_metrics.h) turns the cumulative
// ones into Prometheus counters that survive the driver's own resets.
#pragma once

#include <cstdint>
#include <string>

namespace hvo::agent {

struct VmUsage {
  std::string uid;  // the owner marker
  // Who the VM belongs to in Kubernetes; empty when the driver cannot tell (docs/metrics.md).
  std::string ns;
  std::string name;
  double cpu_seconds = 0;                  // CPU time of all the VM's virtual processors
  std::int64_t memory_assigned_bytes = 0;  // memory the host gives the VM now
  std::int64_t disk_read_bytes = 0;
  std::int64_t disk_write_bytes = 0;
  std::int64_t network_rx_bytes = 0;  // received by the VM
  std::int64_t network_tx_bytes = 0;  // sent by the VM
};

}  // namespace hvo::agent
