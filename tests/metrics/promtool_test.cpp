// The exposition checked by the real thing: `promtool check metrics` (Debian's prometheus
// package) parses it and lints it. Covers every feature of the writer, and every metric the
// project promises in docs/metrics.md, with the labels it promises.
#include <fstream>
#include <limits>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "common/metrics/registry.h"
#include "tests/metrics/promtool_check.h"

namespace hvo::metrics {
namespace {

using Verdict = testing::PromtoolVerdict;
using testing::promtool_check;

struct DocumentedMetric {
  std::string name;
  std::string type;
  std::vector<std::string> labels;
};

// The rows of the tables in docs/metrics.md: | `name` | type | labels | meaning |. Label cells
// list names, some followed by their values in parentheses: "controller, result (success, ...)".
std::vector<DocumentedMetric> documented_metrics() {
  std::ifstream doc(std::string(HVO_SOURCE_DIR) + "/docs/metrics.md");
  const std::regex row(R"(^\| `([a-z_:]+)` \| (counter|gauge|histogram) \| ([^|]*)\|)");
  const std::regex values_in_parens(R"(\([^)]*\))");
  std::vector<DocumentedMetric> metrics;
  for (std::string line; std::getline(doc, line);) {
    std::smatch match;
    if (!std::regex_search(line, match, row)) {
      continue;
    }
    DocumentedMetric metric{match[1], match[2], {}};
    std::istringstream labels(std::regex_replace(match[3].str(), values_in_parens, ""));
    for (std::string label; std::getline(labels, label, ',');) {
      label.erase(0, label.find_first_not_of(' '));
      label.erase(label.find_last_not_of(' ') + 1);
      if (!label.empty()) {
        metric.labels.push_back(label);
      }
    }
    metrics.push_back(metric);
  }
  return metrics;
}

TEST(Promtool, AcceptsAnExpositionUsingEveryFeature) {
  Registry registry;
  registry
      .counter("hvo_escapes_total", "Help with a backslash \\ and a\nnewline.", {"path", "note"})
      .with({"C:\\VMs\\web 01\\disk.vhdx", "said \"hi\"\nthen left"})
      .inc(2.5);
  auto& specials = registry.gauge("hvo_special_values", "NaN and infinities.", {"kind"});
  specials.with({"nan"}).set(std::numeric_limits<double>::quiet_NaN());
  specials.with({"pos"}).set(std::numeric_limits<double>::infinity());
  specials.with({"neg"}).set(-std::numeric_limits<double>::infinity());
  registry.gauge("hvo_unicode_info", "Unicode label values.", {"site"}).with({"väst-1 ✓"}).set(1);
  auto& latency = registry.histogram("hvo_latency_seconds", "Latency.", {"verb", "host"});
  for (double v : {0.001, 0.02, 0.3, 4.0, 60.0}) {
    latency.with({"GET", "hv-01"}).observe(v);
  }
  latency.with({"PUT", "hv-\"2\""}).observe(0.5);
  registry.histogram("hvo_sizes_bytes", "Sizes.", {}, exponential_buckets(1024, 4, 6))
      .with({})
      .observe(5000);
  register_process_metrics(registry);

  const std::string exposition = registry.expose();
  const Verdict verdict = promtool_check(exposition);
  EXPECT_TRUE(verdict.passed) << verdict.report << "\n--- exposition ---\n" << exposition;
  for (const char* sample : {"hvo_escapes_total{", "hvo_latency_seconds_bucket{", "le=\"+Inf\"",
                             "process_cpu_seconds_total ", "process_open_fds "}) {
    EXPECT_NE(exposition.find(sample), std::string::npos) << sample;
  }
}

TEST(Promtool, RejectsWhatItShould) {
  // The check has teeth: a counter without _total and a malformed line are refused.
  EXPECT_FALSE(promtool_check("# HELP jobs Jobs.\n# TYPE jobs counter\njobs 1\n").passed);
  EXPECT_FALSE(promtool_check("no_value{a=\"b\"}\n").passed);
}

TEST(Promtool, AcceptsEveryDocumentedMetric) {
  const auto metrics = documented_metrics();
  ASSERT_GE(metrics.size(), 30u) << "docs/metrics.md tables not found or changed shape";
  Registry registry;
  for (const auto& metric : metrics) {
    const LabelValues values(metric.labels.size(), "x");
    if (metric.type == "counter") {
      registry.counter(metric.name, "Documented counter.", metric.labels).with(values).inc();
    } else if (metric.type == "gauge") {
      registry.gauge(metric.name, "Documented gauge.", metric.labels).with(values).set(1);
    } else {
      registry.histogram(metric.name, "Documented histogram.", metric.labels)
          .with(values)
          .observe(0.2);
    }
  }
  register_process_metrics(registry);
  const Verdict verdict = promtool_check(registry.expose());
  EXPECT_TRUE(verdict.passed) << verdict.report;
}

}  // namespace
}  // namespace hvo::metrics
