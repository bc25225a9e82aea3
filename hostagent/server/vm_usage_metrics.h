// Per-VM usage on the agent's /metrics (docs/metrics.md, "Per-VM usage"), labelled namespace,
// name and uid. Each scrape publishes the driver's reading: a counter advances by what its
// cumulative figure grew since the previous reading, and a figure lower than before (metering
// reset on the host, the agent's sim restarted) counts as all new, so the counters only go up.
// A VM the driver no longer reports loses its series.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/metrics/registry.h"
#include "hostagent/driver/vm_usage.h"

namespace hvo::agent {

class VmUsageMetrics {
 public:
  explicit VmUsageMetrics(metrics::Registry& registry);

  void publish(const std::vector<VmUsage>& reading);

 private:
  struct Last {
    metrics::LabelValues labels;
    VmUsage usage;
  };
  void drop_locked(const metrics::LabelValues& labels);

  metrics::CounterFamily& cpu_seconds_;
  metrics::GaugeFamily& memory_assigned_;
  metrics::CounterFamily& disk_read_;
  metrics::CounterFamily& disk_write_;
  metrics::CounterFamily& network_rx_;
  metrics::CounterFamily& network_tx_;
  std::mutex mu_;
  std::map<std::string, Last> last_;  // by uid
};

}  // namespace hvo::agent
