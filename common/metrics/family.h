// A metric family: one name, one help text, fixed label names, and one child metric per set of
// label values. Children are created on first use and looked up under a short lock; the caller
// keeps the returned reference so each later update is a lone atomic operation.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace hvo::metrics {

// Label values in the order of the family's label names.
using LabelValues = std::vector<std::string>;

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
  // remove()/clear() drops that child. Throws std::invalid_argument when the number of values
  // differs from the number of label names.
  Metric& with(const LabelValues& values) {
    check_arity(values);
    std::lock_guard<std::mutex> lock(mu_);
    auto& child = children_[values];
    if (!child) {
      child = make_();
    }
    return *child;
  }

  // Drops one child (a deleted VM's series), so it disappears from the exposition.
  void remove(const LabelValues& values) {
    std::lock_guard<std::mutex> lock(mu_);
    children_.erase(values);
  }

  // Drops every child: for gauges rebuilt from scratch at each scrape (objects by phase).
  void clear() {
    std::lock_guard<std::mutex> lock(mu_);
    children_.clear();
  }

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  size_t size() const {
    std::lock_guard<std::mutex> lock(mu_);
    return children_.size();
  }

  // Calls fn(label values, metric) for every child, in label order. Runs under the family's
  // lock: fn must not call back into this family.
  void for_each(const std::function<void(const LabelValues&, const Metric&)>& fn) const {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [values, metric] : children_) {
      fn(values, *metric);
    }
  }

 private:
  void check_arity(const LabelValues& values) const {
    if (values.size() != label_names_.size()) {
      throw std::invalid_argument("metric " + name_ + " has " +
                                  std::to_string(label_names_.size()) + " labels, got " +
                                  std::to_string(values.size()) + " values");
    }
  }

  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  std::function<std::unique_ptr<Metric>()> make_;
  mutable std::mutex mu_;
  std::map<LabelValues, std::unique_ptr<Metric>> children_;
};

}  // namespace hvo::metrics
