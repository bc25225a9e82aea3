#include "common/metrics/histogram.h"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <gtest/gtest.h>

namespace hvo::metrics {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(Histogram, CountsEachObservationIntoTheFirstBucketItFits) {
  Histogram histogram({1, 2, 5});
  for (double v : {0.5, 1.0, 1.5, 2.0, 4.0, 7.0, -3.0}) {
    histogram.observe(v);
  }
  const auto snap = histogram.snapshot();
  EXPECT_EQ(snap.upper_bounds, (std::vector<double>{1, 2, 5}));
  // le=1: 0.5, 1.0, -3.0; le=2: +1.5, 2.0; le=5: +4.0; +Inf: +7.0
  EXPECT_EQ(snap.cumulative_counts, (std::vector<uint64_t>{3, 5, 6, 7}));
  EXPECT_EQ(snap.count, 7u);
  EXPECT_DOUBLE_EQ(snap.sum, 13.0);
}

TEST(Histogram, NanLandsInTheInfBucket) {
  Histogram histogram({1});
  histogram.observe(std::nan(""));
  const auto snap = histogram.snapshot();
  EXPECT_EQ(snap.cumulative_counts, (std::vector<uint64_t>{0, 1}));
  EXPECT_TRUE(std::isnan(snap.sum));
}

TEST(Histogram, DropsTrailingInfAndRejectsBadBounds) {
  EXPECT_EQ(Histogram({1, 2, kInf}).upper_bounds(), (std::vector<double>{1, 2}));
  EXPECT_THROW(Histogram({2, 1}), std::invalid_argument);
  EXPECT_THROW(Histogram({1, 1}), std::invalid_argument);
  EXPECT_THROW(Histogram({1, std::nan("")}), std::invalid_argument);
  EXPECT_TRUE(Histogram({}).upper_bounds().empty());
}

TEST(Histogram, BucketHelpersMatchClientGolang) {
  EXPECT_EQ(default_buckets(),
            (std::vector<double>{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}));
  EXPECT_EQ(exponential_buckets(0.001, 2, 4), (std::vector<double>{0.001, 0.002, 0.004, 0.008}));
  EXPECT_THROW(exponential_buckets(0, 2, 3), std::invalid_argument);
  EXPECT_THROW(exponential_buckets(1, 1, 3), std::invalid_argument);
  EXPECT_THROW(exponential_buckets(1, 2, 0), std::invalid_argument);
}

}  // namespace
}  // namespace hvo::metrics
