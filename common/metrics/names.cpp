#include "common/metrics/names.h"

#include <set>
#include <stdexcept>

namespace hvo::metrics {
namespace {

bool is_ascii_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_ascii_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

bool is_valid_metric_name(const std::string& name) {
  if (name.empty() || is_ascii_digit(name[0])) {
    return false;
  }
  for (char c : name) {
    if (!is_ascii_letter(c) && !is_ascii_digit(c) && c != '_' && c != ':') {
      return false;
    }
  }
  return true;
}

bool is_valid_label_name(const std::string& name) {
  if (name.empty() || is_ascii_digit(name[0]) || name.rfind("__", 0) == 0) {
    return false;
  }
  for (char c : name) {
    if (!is_ascii_letter(c) && !is_ascii_digit(c) && c != '_') {
      return false;
    }
  }
  return true;
}

void check_family_names(const std::string& metric, const std::vector<std::string>& label_names,
                        bool is_histogram) {
  if (!is_valid_metric_name(metric)) {
    throw std::invalid_argument("invalid metric name \"" + metric + "\"");
  }
  std::set<std::string> seen;
  for (const auto& label : label_names) {
    if (!is_valid_label_name(label)) {
      throw std::invalid_argument("metric " + metric + ": invalid label name \"" + label + "\"");
    }
    if (is_histogram && label == "le") {
      throw std::invalid_argument("metric " + metric +
                                  ": label \"le\" is reserved for histogram buckets");
    }
    if (!seen.insert(label).second) {
      throw std::invalid_argument("metric " + metric + ": label \"" + label + "\" repeats");
    }
  }
}

}  // namespace hvo::metrics
