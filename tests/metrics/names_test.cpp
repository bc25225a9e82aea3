#include "common/metrics/names.h"

#include <stdexcept>

#include <gtest/gtest.h>

namespace hvo::metrics {
namespace {

TEST(MetricNames, FollowPrometheusRules) {
  const struct {
    const char* name;
    bool metric_ok;
    bool label_ok;
  } cases[] = {
      {"workqueue_adds_total", true, true},  {"_leading_underscore", true, true},
      {"rule:recorded:rate5m", true, false}, {"Mixed_Case9", true, true},
      {"9starts_with_digit", false, false},  {"has-dash", false, false},
      {"has space", false, false},           {"ünicode", false, false},
      {"__reserved", true, false},           {"", false, false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(is_valid_metric_name(c.name), c.metric_ok) << "metric name '" << c.name << "'";
    EXPECT_EQ(is_valid_label_name(c.name), c.label_ok) << "label name '" << c.name << "'";
  }
}

TEST(MetricNames, FamilyCheckRejectsBadLabelsWithContext) {
  try {
    check_family_names("hyperv_host_vms", {"host", "bad-label"}, false);
    FAIL() << "expected invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "metric hyperv_host_vms: invalid label name \"bad-label\"");
  }
  EXPECT_THROW(check_family_names("x", {"host", "host"}, false), std::invalid_argument);
  EXPECT_THROW(check_family_names("x_seconds", {"le"}, true), std::invalid_argument);
  EXPECT_NO_THROW(check_family_names("x", {"le"}, false));
  EXPECT_THROW(check_family_names("bad name", {}, false), std::invalid_argument);
}

}  // namespace
}  // namespace hvo::metrics
