#include "common/metrics/registry.h"

#include <limits>
#include <stdexcept>

#include <gtest/gtest.h>

namespace hvo::metrics {
namespace {

// One row per exposition feature: what the registry holds, and the exact text it must write.
struct ExpositionCase {
  const char* name;
  std::function<void(Registry&)> fill;
  std::string expected;
};

TEST(RegistryExposition, WritesTheTextFormat) {
  const ExpositionCase cases[] = {
      {"empty registry", [](Registry&) {}, ""},
      {"counter without labels is exposed as 0 at once",
       [](Registry& r) { r.counter("jobs_total", "Jobs run."); },
       "# HELP jobs_total Jobs run.\n# TYPE jobs_total counter\njobs_total 0\n"},
      {"labelled family without series writes nothing",
       [](Registry& r) { r.gauge("hyperv_host_vms", "VMs.", {"host"}); }, ""},
      {"gauge with labels in declared order, series sorted by values",
       [](Registry& r) {
         auto& g = r.gauge("hyperv_host_allocated", "Allocated.", {"resource", "host"});
         g.with({"memory_bytes", "hv-02"}).set(2);
         g.with({"cpu", "hv-01"}).set(4.5);
         g.with({"cpu", "hv-02"}).set(-1);
       },
       "# HELP hyperv_host_allocated Allocated.\n"
       "# TYPE hyperv_host_allocated gauge\n"
       "hyperv_host_allocated{resource=\"cpu\",host=\"hv-01\"} 4.5\n"
       "hyperv_host_allocated{resource=\"cpu\",host=\"hv-02\"} -1\n"
       "hyperv_host_allocated{resource=\"memory_bytes\",host=\"hv-02\"} 2\n"},
      {"label values and help escaped",
       [](Registry& r) {
         r.counter("odd_total", "Help with \\ and\nnewline and \"quotes\".", {"path"})
             .with({"C:\\VMs\\\"a\"\nb"})
             .inc(3);
       },
       "# HELP odd_total Help with \\\\ and\\nnewline and \"quotes\".\n"
       "# TYPE odd_total counter\n"
       "odd_total{path=\"C:\\\\VMs\\\\\\\"a\\\"\\nb\"} 3\n"},
      {"special values",
       [](Registry& r) {
         auto& g = r.gauge("specials", "Special values.", {"kind"});
         g.with({"nan"}).set(std::numeric_limits<double>::quiet_NaN());
         g.with({"pos"}).set(std::numeric_limits<double>::infinity());
         g.with({"neg"}).set(-std::numeric_limits<double>::infinity());
       },
       "# HELP specials Special values.\n"
       "# TYPE specials gauge\n"
       "specials{kind=\"nan\"} NaN\n"
       "specials{kind=\"neg\"} -Inf\n"
       "specials{kind=\"pos\"} +Inf\n"},
      {"histogram buckets, +Inf, sum and count, le after the family's labels",
       [](Registry& r) {
         auto& h = r.histogram("request_duration_seconds", "Latency.", {"verb"}, {0.1, 1});
         h.with({"GET"}).observe(0.05);
         h.with({"GET"}).observe(0.5);
         h.with({"GET"}).observe(3);
       },
       "# HELP request_duration_seconds Latency.\n"
       "# TYPE request_duration_seconds histogram\n"
       "request_duration_seconds_bucket{verb=\"GET\",le=\"0.1\"} 1\n"
       "request_duration_seconds_bucket{verb=\"GET\",le=\"1\"} 2\n"
       "request_duration_seconds_bucket{verb=\"GET\",le=\"+Inf\"} 3\n"
       "request_duration_seconds_sum{verb=\"GET\"} 3.55\n"
       "request_duration_seconds_count{verb=\"GET\"} 3\n"},
      {"histogram without labels",
       [](Registry& r) { r.histogram("wait_seconds", "Wait.", {}, {1}).with({}).observe(2); },
       "# HELP wait_seconds Wait.\n"
       "# TYPE wait_seconds histogram\n"
       "wait_seconds_bucket{le=\"1\"} 0\n"
       "wait_seconds_bucket{le=\"+Inf\"} 1\n"
       "wait_seconds_sum 2\n"
       "wait_seconds_count 1\n"},
      {"families sorted by name across types",
       [](Registry& r) {
         r.gauge("b_gauge", "B.");
         r.histogram("c_hist", "C.", {}, {});
         r.counter("a_total", "A.");
       },
       "# HELP a_total A.\n# TYPE a_total counter\na_total 0\n"
       "# HELP b_gauge B.\n# TYPE b_gauge gauge\nb_gauge 0\n"
       "# HELP c_hist C.\n# TYPE c_hist histogram\n"
       "c_hist_bucket{le=\"+Inf\"} 0\nc_hist_sum 0\nc_hist_count 0\n"},
      {"removed series disappears",
       [](Registry& r) {
         auto& g = r.gauge("vm_up", "Up.", {"vm"});
         g.with({"a"}).set(1);
         g.with({"b"}).set(1);
         g.remove({"a"});
       },
       "# HELP vm_up Up.\n# TYPE vm_up gauge\nvm_up{vm=\"b\"} 1\n"},
  };
  for (const auto& c : cases) {
    Registry registry;
    c.fill(registry);
    EXPECT_EQ(registry.expose(), c.expected) << c.name;
  }
}

TEST(Registry, SameNameReturnsTheSameFamily) {
  Registry registry;
  auto& first = registry.counter("adds_total", "Adds.", {"name"});
  auto& second = registry.counter("adds_total", "Adds.", {"name"});
  EXPECT_EQ(&first, &second);
  first.with({"q"}).inc();
  EXPECT_EQ(second.with({"q"}).value(), 1);
}

TEST(Registry, RejectsConflictingRegistrations) {
  Registry registry;
  registry.counter("adds_total", "Adds.", {"name"});
  EXPECT_THROW(registry.counter("adds_total", "Adds.", {"other"}), std::logic_error);
  EXPECT_THROW(registry.gauge("adds_total", "Adds."), std::logic_error);
  EXPECT_THROW(registry.histogram("adds_total", "Adds."), std::logic_error);

  registry.histogram("latency_seconds", "Latency.", {}, {1, 2});
  EXPECT_THROW(registry.histogram("latency_seconds", "Latency.", {}, {1, 3}), std::logic_error);
  EXPECT_NO_THROW(registry.histogram("latency_seconds", "Latency.", {},
                                     {1, 2, std::numeric_limits<double>::infinity()}));
  EXPECT_THROW(registry.counter("latency_seconds_count", "Clash."), std::logic_error);
  EXPECT_THROW(registry.gauge("latency_seconds_bucket", "Clash."), std::logic_error);
}

TEST(Registry, RejectsInvalidNamesAndArity) {
  Registry registry;
  EXPECT_THROW(registry.counter("bad-name", "x"), std::invalid_argument);
  EXPECT_THROW(registry.gauge("ok", "x", {"__reserved"}), std::invalid_argument);
  EXPECT_THROW(registry.histogram("h", "x", {"le"}), std::invalid_argument);
  EXPECT_THROW(registry.histogram("h2", "x", {}, {3, 1}), std::invalid_argument);
  EXPECT_EQ(registry.expose(), "") << "failed registrations leave nothing behind";

  auto& family = registry.gauge("g", "x", {"a", "b"});
  EXPECT_THROW(family.with({"only-one"}), std::invalid_argument);
}

TEST(Registry, CountersRefuseToGoDown) {
  Registry registry;
  Counter& counter = registry.counter("c_total", "C.").with({});
  EXPECT_THROW(counter.inc(-1), std::invalid_argument);
  counter.advance_to(5);
  counter.advance_to(3);
  EXPECT_EQ(counter.value(), 5);
}

TEST(Registry, CollectorsRunBeforeEachExposition) {
  Registry registry;
  Gauge& scrapes = registry.gauge("scrapes", "Scrapes.").with({});
  registry.add_collector([&scrapes] { scrapes.inc(); });
  EXPECT_NE(registry.expose().find("scrapes 1\n"), std::string::npos);
  EXPECT_NE(registry.expose().find("scrapes 2\n"), std::string::npos);
}

TEST(Registry, CollectorMayRegisterFamiliesAndAFailingOneIsSkipped) {
  Registry registry;
  registry.add_collector([] { throw std::runtime_error("backend down"); });
  registry.add_collector([&registry] {
    auto& phases = registry.gauge("hyperv_virtualmachines", "VMs by phase.", {"phase"});
    phases.clear();
    phases.with({"Running"}).set(2);
  });
  EXPECT_EQ(registry.expose(),
            "# HELP hyperv_virtualmachines VMs by phase.\n"
            "# TYPE hyperv_virtualmachines gauge\n"
            "hyperv_virtualmachines{phase=\"Running\"} 2\n");
}

}  // namespace
}  // namespace hvo::metrics
