// A small Prometheus registry: counters, gauges and histograms with labels, exposed in the text
// format (version 0.0.4) that `promtool check metrics` accepts. Shared by the operator and the
// agent. Thread-safe; updating a metric is a lock-free atomic on a child looked up once.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace hvo::metrics {

// Label values in the order of the family's label names.
using LabelValues = std::vector<std::string>;

class Counter {
 public:
  void inc(double amount = 1.0);  // amount must be >= 0
  double value() const;

 private:
  std::atomic<double> value_{0.0};
};

class Gauge {
 public:
  void set(double value);
  void inc(double amount = 1.0);
  void dec(double amount = 1.0);
  double value() const;

 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);  // sorted, without +Inf
  void observe(double value);
  // Cumulative counts per bucket (same order as bounds, then +Inf), sum and count.
  struct Snapshot {
    std::vector<double> upper_bounds;
    std::vector<uint64_t> cumulative_counts;  // one more entry than upper_bounds (+Inf)
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot snapshot() const;

 private:
  std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::vector<uint64_t> counts_;  // per bucket, not cumulative; last is +Inf
  double sum_ = 0;
  uint64_t count_ = 0;
};

// Default buckets of client_golang / controller-runtime (seconds).
std::vector<double> default_buckets();
// exponential_buckets(start, factor, count), like prometheus.ExponentialBuckets.
std::vector<double> exponential_buckets(double start, double factor, int count);

template <typename Metric>
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::function<std::unique_ptr<Metric>()> make)
      : name_(std::move(name)),
        help_(std::move(help)),
        label_names_(std::move(label_names)),
        make_(std::move(make)) {}

  // The child for these label values, created on first use. The reference stays valid until
  // remove()/clear() drops that child.
  Metric& with(const LabelValues& values);
  void remove(const LabelValues& values);
  void clear();

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  // Calls fn(label values, metric) for every child, in label order.
  void for_each(const std::function<void(const LabelValues&, const Metric&)>& fn) const;

 private:
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  std::function<std::unique_ptr<Metric>()> make_;
  mutable std::mutex mu_;
  std::map<LabelValues, std::unique_ptr<Metric>> children_;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

class Registry {
 public:
  // Registering the same name twice returns the existing family (label names must match; a
  // mismatch is a programming error and throws std::logic_error). Names and label names must
  // match Prometheus' rules ([a-zA-Z_:][a-zA-Z0-9_:]*), else std::invalid_argument.
  CounterFamily& counter(const std::string& name, const std::string& help,
                         const std::vector<std::string>& label_names = {});
  GaugeFamily& gauge(const std::string& name, const std::string& help,
                     const std::vector<std::string>& label_names = {});
  HistogramFamily& histogram(const std::string& name, const std::string& help,
                             const std::vector<std::string>& label_names = {},
                             std::vector<double> buckets = default_buckets());

  // Runs before every exposition, to refresh gauges computed at scrape time (process metrics,
  // objects by phase).
  void add_collector(std::function<void()> collector);

  // The text exposition format: # HELP, # TYPE, samples; label values escaped; families sorted
  // by name. Content type: "text/plain; version=0.0.4; charset=utf-8".
  std::string expose() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<CounterFamily>> counters_;
  std::map<std::string, std::unique_ptr<GaugeFamily>> gauges_;
  std::map<std::string, std::unique_ptr<HistogramFamily>> histograms_;
  std::vector<std::function<void()>> collectors_;
};

// Registers process_resident_memory_bytes, process_virtual_memory_bytes,
// process_cpu_seconds_total, process_open_fds, process_max_fds and process_start_time_seconds
// (read from /proc/self at scrape time on Linux).
void register_process_metrics(Registry& registry);

inline constexpr const char* kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace hvo::metrics
