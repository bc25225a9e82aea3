// Reads one sample back from a registry's text exposition, so tests check what a scrape shows.
#pragma once

#include <optional>
#include <sstream>
#include <string>

#include "common/metrics/registry.h"

namespace hvo::kube::testing {

// The value of the sample line that starts with `series` (name plus labels exactly as exposed,
// e.g. `workqueue_adds_total{controller="q",name="q"}`), or nullopt when absent.
inline std::optional<double> sample(const metrics::Registry& registry, const std::string& series) {
  std::istringstream lines(registry.expose());
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(series + " ", 0) == 0)
      return std::stod(line.substr(series.size() + 1));
  }
  return std::nullopt;
}

}  // namespace hvo::kube::testing
