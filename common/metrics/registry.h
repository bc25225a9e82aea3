// A small Prometheus registry: counters, gauges and histograms with labels, exposed in the text
// format (version 0.0.4) that `promtool check metrics` accepts. Shared by the operator and the
// agent. Thread-safe; updating a metric is a lock-free atomic on a child looked up once:
//
//   auto& adds = registry.counter("workqueue_adds_total", "Keys added.", {"controller", "name"});
//   Counter& vm_adds = adds.with({"virtualmachine", "virtualmachine"});  // keep this reference
//   vm_adds.inc();
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/metrics/counter.h"
#include "common/metrics/family.h"
#include "common/metrics/gauge.h"
#include "common/metrics/histogram.h"

namespace hvo::metrics {

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

class Registry {
 public:
  // Registering the same name twice returns the existing family (label names, type and buckets
  // must match; a mismatch is a programming error and throws std::logic_error, as does a name
  // whose samples would clash with another family's, such as a counter "x_count" beside a
  // histogram "x"). Metric names must match [a-zA-Z_:][a-zA-Z0-9_:]*, label names
  // [a-zA-Z_][a-zA-Z0-9_]* without a leading "__", else std::invalid_argument.
  // A family without labels has its one series from the start, so it is exposed as 0 at once.
  CounterFamily& counter(const std::string& name, const std::string& help,
                         const std::vector<std::string>& label_names = {});
  GaugeFamily& gauge(const std::string& name, const std::string& help,
                     const std::vector<std::string>& label_names = {});
  HistogramFamily& histogram(const std::string& name, const std::string& help,
                             const std::vector<std::string>& label_names = {},
                             std::vector<double> buckets = default_buckets());

  // Runs before every exposition, to refresh gauges computed at scrape time (process metrics,
  // objects by phase). Collectors run one at a time, outside the registry's lock, so they may
  // register families; one that throws is logged and skipped.
  void add_collector(std::function<void()> collector);

  // The text exposition format: # HELP, # TYPE, samples; label values escaped; families sorted
  // by name, series sorted by label values. Content type: kExpositionContentType.
  std::string expose() const;

 private:
  // Returns the family called `name`, creating it when new. Caller holds mu_.
  template <typename Metric>
  Family<Metric>& get_or_create_locked(
      std::map<std::string, std::unique_ptr<Family<Metric>>>& families, const char* type,
      const std::string& name, const std::string& help, const std::vector<std::string>& label_names,
      std::function<std::unique_ptr<Metric>()> make, const std::vector<std::string>& sample_names);
  void run_collectors() const;

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<CounterFamily>> counters_;
  std::map<std::string, std::unique_ptr<GaugeFamily>> gauges_;
  std::map<std::string, std::unique_ptr<HistogramFamily>> histograms_;
  std::map<std::string, std::vector<double>> histogram_bounds_;  // per histogram family
  // Every name in use ("x"; for a histogram also "x_bucket", "x_sum", "x_count") → "<type> x".
  std::map<std::string, std::string> sample_owners_;
  std::vector<std::function<void()>> collectors_;
  mutable std::mutex collect_mu_;  // serializes collector runs of concurrent scrapes
};

// Registers process_resident_memory_bytes, process_virtual_memory_bytes,
// process_cpu_seconds_total, process_open_fds, process_max_fds and process_start_time_seconds,
// refreshed at scrape time (from /proc/self on Linux, from the process handle on Windows).
void register_process_metrics(Registry& registry);

inline constexpr const char* kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace hvo::metrics
