#include "common/metrics/registry.h"

#include <set>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "common/metrics/names.h"
#include "common/metrics/text_format.h"

namespace hvo::metrics {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    out += (out.empty() ? "" : ",") + item;
  }
  return out;
}

}  // namespace

template <typename Metric>
Family<Metric>& Registry::get_or_create_locked(
    std::map<std::string, std::unique_ptr<Family<Metric>>>& families, const char* type,
    const std::string& name, const std::string& help, const std::vector<std::string>& label_names,
    std::function<std::unique_ptr<Metric>()> make, const std::vector<std::string>& sample_names) {
  if (auto it = families.find(name); it != families.end()) {
    if (it->second->label_names() != label_names) {
      throw std::logic_error("metric " + name + " registered again with labels [" +
                             join(label_names) + "], was [" + join(it->second->label_names()) +
                             "]");
    }
    return *it->second;
  }
  check_family_names(name, label_names, std::string(type) == "histogram");
  const std::string owner = std::string(type) + " " + name;
  for (const auto& sample : sample_names) {
    if (auto it = sample_owners_.find(sample); it != sample_owners_.end()) {
      throw std::logic_error(owner + ": sample name " + sample + " is already used by " +
                             it->second);
    }
  }
  for (const auto& sample : sample_names) {
    sample_owners_[sample] = owner;
  }
  auto& family = families[name];
  family = std::make_unique<Family<Metric>>(name, help, label_names, std::move(make));
  if (label_names.empty()) {
    family->with({});
  }
  return *family;
}

CounterFamily& Registry::counter(const std::string& name, const std::string& help,
                                 const std::vector<std::string>& label_names) {
  std::lock_guard<std::mutex> lock(mu_);
  return get_or_create_locked<Counter>(counters_, "counter", name, help, label_names,
                                       [] { return std::make_unique<Counter>(); }, {name});
}

GaugeFamily& Registry::gauge(const std::string& name, const std::string& help,
                             const std::vector<std::string>& label_names) {
  std::lock_guard<std::mutex> lock(mu_);
  return get_or_create_locked<Gauge>(gauges_, "gauge", name, help, label_names,
                                     [] { return std::make_unique<Gauge>(); }, {name});
}

HistogramFamily& Registry::histogram(const std::string& name, const std::string& help,
                                     const std::vector<std::string>& label_names,
                                     std::vector<double> buckets) {
  // Validates the buckets (and drops a trailing +Inf) before anything is registered.
  const std::vector<double> bounds = Histogram(std::move(buckets)).upper_bounds();
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = histogram_bounds_.find(name);
      it != histogram_bounds_.end() && it->second != bounds) {
    throw std::logic_error("histogram " + name + " registered again with different buckets");
  }
  auto& family = get_or_create_locked<Histogram>(
      histograms_, "histogram", name, help, label_names,
      [bounds] { return std::make_unique<Histogram>(bounds); },
      // The family name too, so no counter or gauge of the same name can hide it.
      {name, name + "_bucket", name + "_sum", name + "_count"});
  histogram_bounds_.emplace(name, bounds);
  return family;
}

void Registry::add_collector(std::function<void()> collector) {
  std::lock_guard<std::mutex> lock(mu_);
  collectors_.push_back(std::move(collector));
}

void Registry::run_collectors() const {
  std::vector<std::function<void()>> collectors;
  {
    std::lock_guard<std::mutex> lock(mu_);
    collectors = collectors_;
  }
  std::lock_guard<std::mutex> serial(collect_mu_);
  for (const auto& collect : collectors) {
    try {
      collect();
    } catch (const std::exception& e) {
      // A broken collector must not take the whole /metrics endpoint down with it.
      spdlog::warn("metrics_collector_failed error={}", e.what());
    }
  }
}

std::string Registry::expose() const {
  run_collectors();
  std::lock_guard<std::mutex> lock(mu_);
  // Family names are unique across the three maps (sample_owners_ sees to it), so one sorted
  // set of names gives the exposition order.
  std::set<std::string> names;
  for (const auto& entry : counters_) {
    names.insert(entry.first);
  }
  for (const auto& entry : gauges_) {
    names.insert(entry.first);
  }
  for (const auto& entry : histograms_) {
    names.insert(entry.first);
  }

  std::string out;
  for (const auto& name : names) {
    if (auto it = counters_.find(name); it != counters_.end()) {
      write_family(out, *it->second);
    } else if (auto it = gauges_.find(name); it != gauges_.end()) {
      write_family(out, *it->second);
    } else if (auto it = histograms_.find(name); it != histograms_.end()) {
      write_family(out, *it->second);
    }
  }
  return out;
}

}  // namespace hvo::metrics
