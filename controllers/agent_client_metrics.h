// The operator's metrics about its calls to host agents (docs/metrics.md):
//   hyperv_agent_request_duration_seconds{host, operation}   every call, answered or not
//   hyperv_agent_request_errors_total{host, operation, code}  failed calls by agent code or failure
//   hyperv_agent_calls_in_flight{host}                        calls holding a HostCallLimiter
//   permit
#pragma once

#include <string>

#include "common/metrics/registry.h"

namespace hvo::controllers {

class AgentClientMetrics {
 public:
  explicit AgentClientMetrics(metrics::Registry& registry);

  void observe_duration(const std::string& host, const std::string& operation, double seconds);
  void count_error(const std::string& host, const std::string& operation, const std::string& code);
  void set_in_flight(const std::string& host, int calls);
  // Drops a deleted host's series so they leave the exposition.
  void forget_host(const std::string& host);

 private:
  metrics::HistogramFamily& duration_;
  metrics::CounterFamily& errors_;
  metrics::GaugeFamily& in_flight_;
};

}  // namespace hvo::controllers
