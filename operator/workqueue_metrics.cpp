#include "operator/workqueue_metrics.h"

namespace hvo::kube {
namespace {

const std::vector<std::string> kLabels = {"controller", "name"};

// controller-runtime's queue and work latency buckets: 10 ns .. 1000 s, by decades.
std::vector<double> latency_buckets() {
  return metrics::exponential_buckets(10e-9, 10, 12);
}

}  // namespace

WorkQueueMetrics::WorkQueueMetrics(metrics::Registry& registry, const std::string& name)
    : depth(registry.gauge("workqueue_depth", "Current depth of workqueue", kLabels)
                .with({name, name})),
      adds(
          registry
              .counter("workqueue_adds_total", "Total number of adds handled by workqueue", kLabels)
              .with({name, name})),
      queue_duration(registry
                         .histogram("workqueue_queue_duration_seconds",
                                    "How long in seconds an item stays in workqueue before being "
                                    "requested",
                                    kLabels, latency_buckets())
                         .with({name, name})),
      work_duration(registry
                        .histogram("workqueue_work_duration_seconds",
                                   "How long in seconds processing an item from workqueue takes",
                                   kLabels, latency_buckets())
                        .with({name, name})),
      retries(registry
                  .counter("workqueue_retries_total",
                           "Total number of retries handled by workqueue", kLabels)
                  .with({name, name})),
      unfinished_work(registry
                          .gauge("workqueue_unfinished_work_seconds",
                                 "How many seconds of work has been done that is in progress and "
                                 "hasn't been observed by work_duration",
                                 kLabels)
                          .with({name, name})),
      longest_running(registry
                          .gauge("workqueue_longest_running_processor_seconds",
                                 "How many seconds has the longest running processor for "
                                 "workqueue been running",
                                 kLabels)
                          .with({name, name})) {}

}  // namespace hvo::kube
