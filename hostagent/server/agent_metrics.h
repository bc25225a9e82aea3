// The agent's metric families (docs/metrics.md, "Agent"), registered once and shared by the
// HTTP layer, the metered driver and the operation runner.
#pragma once

#include "common/metrics/registry.h"

namespace hvo::agent {

struct AgentMetrics {
  explicit AgentMetrics(metrics::Registry& registry);

  metrics::CounterFamily& http_requests;       // method, route, code
  metrics::HistogramFamily& http_duration;     // method, route
  metrics::HistogramFamily& driver_duration;   // driver, call
  metrics::CounterFamily& driver_errors;       // driver, call, code
  metrics::GaugeFamily& vms;                   // state
  metrics::GaugeFamily& operations_in_flight;  // (none)
};

}  // namespace hvo::agent
