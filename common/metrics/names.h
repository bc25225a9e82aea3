// Prometheus' naming rules for metric and label names, checked when a family is registered.
#pragma once

#include <string>
#include <vector>

namespace hvo::metrics {

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool is_valid_metric_name(const std::string& name);
// [a-zA-Z_][a-zA-Z0-9_]*, and not starting with "__" (reserved for Prometheus' own labels).
bool is_valid_label_name(const std::string& name);

// Throws std::invalid_argument naming the metric and the offending name when the metric name or
// a label name is invalid, a label name repeats, or a histogram uses the reserved label "le".
void check_family_names(const std::string& metric, const std::vector<std::string>& label_names,
                        bool is_histogram);

}  // namespace hvo::metrics
