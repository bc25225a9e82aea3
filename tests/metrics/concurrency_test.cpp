#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/metrics/registry.h"

namespace hvo::metrics {
namespace {

constexpr int kThreads = 8;
constexpr int kPerThread = 20000;

void run_in_threads(const std::function<void(int)>& body) {
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back(body, t);
  }
  for (auto& thread : threads) {
    thread.join();
  }
}

TEST(MetricsConcurrency, CounterAndGaugeLoseNoUpdates) {
  Registry registry;
  auto& counters = registry.counter("adds_total", "Adds.", {"name"});
  auto& gauge = registry.gauge("depth", "Depth.").with({});
  run_in_threads([&](int) {
    for (int i = 0; i < kPerThread; ++i) {
      // Looking the child up each time also exercises the family's child map under contention.
      counters.with({"q"}).inc();
      counters.with({"q"}).inc(0.5);
      gauge.inc(2);
      gauge.dec();
    }
  });
  EXPECT_EQ(counters.with({"q"}).value(), 1.5 * kThreads * kPerThread);
  EXPECT_EQ(gauge.value(), 1.0 * kThreads * kPerThread);
}

TEST(MetricsConcurrency, HistogramCountsEveryObservation) {
  Registry registry;
  auto& family = registry.histogram("work_seconds", "Work.", {"worker"}, {1, 2, 3});
  run_in_threads([&](int t) {
    Histogram& mine = family.with({t % 2 == 0 ? "even" : "odd"});
    for (int i = 0; i < kPerThread; ++i) {
      mine.observe(i % 4);  // 0, 1, 2, 3 in turn: one per bucket boundary
    }
  });
  for (const char* worker : {"even", "odd"}) {
    const auto snap = family.with({worker}).snapshot();
    const uint64_t total = kThreads / 2 * kPerThread;
    EXPECT_EQ(snap.count, total) << worker;
    EXPECT_EQ(snap.cumulative_counts,
              (std::vector<uint64_t>{total / 2, total * 3 / 4, total, total}))
        << worker;
    EXPECT_EQ(snap.sum, 1.5 * total) << worker;
  }
}

// The value on the sample line that starts with `series` ("name{labels} "); "" when absent.
std::string sample_value(const std::string& text, const std::string& series) {
  const auto at = text.find(series);
  if (at == std::string::npos) {
    return "";
  }
  const auto start = at + series.size();
  return text.substr(start, text.find('\n', start) - start);
}

TEST(MetricsConcurrency, ScrapesWhileUpdatingStayConsistent) {
  Registry registry;
  auto& family = registry.histogram("lat_seconds", "Latency.", {"host"}, {0.5});
  std::atomic<bool> done{false};
  std::atomic<int> inconsistent{0};
  std::thread scraper([&] {
    while (!done.load()) {
      // Whatever moment the scrape caught, the +Inf bucket equals _count.
      const std::string text = registry.expose();
      if (sample_value(text, "lat_seconds_bucket{host=\"a\",le=\"+Inf\"} ") !=
          sample_value(text, "lat_seconds_count{host=\"a\"} ")) {
        ++inconsistent;
      }
    }
  });
  run_in_threads([&](int) {
    for (int i = 0; i < kPerThread; ++i) {
      family.with({"a"}).observe(1);
    }
  });
  done = true;
  scraper.join();
  EXPECT_EQ(inconsistent.load(), 0);
  const std::string total = std::to_string(kThreads * kPerThread);
  EXPECT_EQ(sample_value(registry.expose(), "lat_seconds_count{host=\"a\"} "), total);
}

}  // namespace
}  // namespace hvo::metrics
