#include "hostagent/server/agent_metrics.h"

namespace hvo::agent {

AgentMetrics::AgentMetrics(metrics::Registry& registry)
    : http_requests(registry.counter("hyperv_agent_http_requests_total", "API requests.",
                                     {"method", "route", "code"})),
      http_duration(registry.histogram("hyperv_agent_http_request_duration_seconds", "API latency.",
                                       {"method", "route"})),
      driver_duration(registry.histogram("hyperv_agent_driver_call_duration_seconds",
                                         "Time in the driver.", {"driver", "call"})),
      driver_errors(registry.counter("hyperv_agent_driver_errors_total", "Driver failures.",
                                     {"driver", "call", "code"})),
      vms(registry.gauge("hyperv_agent_vms", "Managed VMs by power state.", {"state"})),
      operations_in_flight(
          registry.gauge("hyperv_agent_operations_in_flight", "Long operations running.")) {}

}  // namespace hvo::agent
