#include "controllers/agent_client_metrics.h"

#include <vector>

namespace hvo::controllers {
namespace {

// Agent calls range from a few milliseconds (inventory) to the agent's own operation wait (2 s)
// and the client timeout beyond it.
std::vector<double> agent_latency_buckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
}

// Every operation name the client uses, so forget_host() can drop them all.
const char* const kOperations[] = {"host_info", "inventory", "get_vm",       "ensure",
                                   "power",     "remove",    "get_operation"};

}  // namespace

AgentClientMetrics::AgentClientMetrics(metrics::Registry& registry)
    : duration_(registry.histogram("hyperv_agent_request_duration_seconds",
                                   "Latency of operator to agent calls.", {"host", "operation"},
                                   agent_latency_buckets())),
      errors_(registry.counter("hyperv_agent_request_errors_total",
                               "Failed operator to agent calls by error code.",
                               {"host", "operation", "code"})),
      in_flight_(registry.gauge("hyperv_agent_calls_in_flight",
                                "Operator to agent calls in flight, by host (at most "
                                "--agent-max-inflight-per-host).",
                                {"host"})) {}

void AgentClientMetrics::observe_duration(const std::string& host, const std::string& operation,
                                          double seconds) {
  duration_.with({host, operation}).observe(seconds);
}

void AgentClientMetrics::count_error(const std::string& host, const std::string& operation,
                                     const std::string& code) {
  errors_.with({host, operation, code}).inc();
}

void AgentClientMetrics::set_in_flight(const std::string& host, int calls) {
  in_flight_.with({host}).set(calls);
}

void AgentClientMetrics::forget_host(const std::string& host) {
  in_flight_.remove({host});
  for (const char* operation : kOperations)
    duration_.remove({host, operation});
  // Error series carry a code too: collect this host's under the family's lock, drop them after.
  std::vector<metrics::LabelValues> stale;
  errors_.for_each([&](const metrics::LabelValues& values, const metrics::Counter&) {
    if (values[0] == host)
      stale.push_back(values);
  });
  for (const auto& values : stale)
    errors_.remove(values);
}

}  // namespace hvo::controllers
