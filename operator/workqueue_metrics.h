// The workqueue_* metrics of one queue, with controller-runtime's names and buckets (both the
// `controller` and `name` labels carry the queue's name, as controller-runtime sets them).
#pragma once

#include <string>

#include "common/metrics/registry.h"

namespace hvo::kube {

struct WorkQueueMetrics {
  WorkQueueMetrics(metrics::Registry& registry, const std::string& name);

  metrics::Gauge& depth;
  metrics::Counter& adds;
  metrics::Histogram& queue_duration;
  metrics::Histogram& work_duration;
  metrics::Counter& retries;
  metrics::Gauge& unfinished_work;
  metrics::Gauge& longest_running;
};

}  // namespace hvo::kube
