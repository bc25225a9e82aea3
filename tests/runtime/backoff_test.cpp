#include "operator/backoff.h"

#include <gtest/gtest.h>

#include "operator/rate_limiter.h"
#include "tests/runtime/fake_clock.h"

namespace hvo::kube {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::FakeClock;

TEST(ItemExponentialBackoff, DoublesPerKeyFrom5msCappedAt1000s) {
  ItemExponentialBackoff backoff;
  EXPECT_EQ(backoff.when("a"), milliseconds(5));
  EXPECT_EQ(backoff.when("a"), milliseconds(10));
  EXPECT_EQ(backoff.when("a"), milliseconds(20));
  EXPECT_EQ(backoff.when("b"), milliseconds(5));
  EXPECT_EQ(backoff.failures("a"), 3);
  for (int i = 0; i < 40; ++i)
    backoff.when("a");
  EXPECT_EQ(backoff.when("a"), seconds(1000));
  backoff.forget("a");
  EXPECT_EQ(backoff.failures("a"), 0);
  EXPECT_EQ(backoff.when("a"), milliseconds(5));
}

TEST(ExponentialDelay, SurvivesHugeFailureCounts) {
  EXPECT_EQ(exponential_delay(milliseconds(5), seconds(1000), 5000), seconds(1000));
  EXPECT_EQ(exponential_delay(milliseconds(5), seconds(1000), 0), milliseconds(5));
}

TEST(JitteredBackoff, GrowsByFactorCapsAndStretchesByJitter) {
  double next_random = 0.0;
  JitteredBackoff backoff(milliseconds(800), seconds(3), 2.0, 1.0, [&] { return next_random; });
  EXPECT_EQ(backoff.next(), milliseconds(800));
  EXPECT_EQ(backoff.next(), milliseconds(1600));
  next_random = 0.5;
  EXPECT_EQ(backoff.next(), milliseconds(3000) * 1.5);  // 3200 capped to 3000, then +50 %
  EXPECT_EQ(backoff.next(), milliseconds(4500));
  backoff.reset();
  next_random = 0.0;
  EXPECT_EQ(backoff.next(), milliseconds(800));
}

TEST(TokenBucket, AllowsBurstThenPacesAtQps) {
  FakeClock clock;
  TokenBucket bucket(10, 3, clock);
  EXPECT_EQ(bucket.reserve(), Duration::zero());
  EXPECT_EQ(bucket.reserve(), Duration::zero());
  EXPECT_EQ(bucket.reserve(), Duration::zero());
  EXPECT_EQ(bucket.reserve(), milliseconds(100));
  EXPECT_EQ(bucket.reserve(), milliseconds(200));
  clock.advance(milliseconds(300));
  EXPECT_EQ(bucket.reserve(), Duration::zero());  // 200 ms paid the debt, 100 ms made a token
  EXPECT_EQ(bucket.reserve(), milliseconds(100));
  clock.advance(seconds(10));
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(bucket.reserve(), Duration::zero());  // refill stops at burst
  EXPECT_GT(bucket.reserve(), Duration::zero());
}

TEST(WorkQueueRateLimiter, TakesTheLargerOfBackoffAndBucket) {
  FakeClock clock;
  WorkQueueRateLimiter::Options options;
  options.qps = 1;
  options.burst = 1;
  WorkQueueRateLimiter limiter(options, clock);
  EXPECT_EQ(limiter.when("a"), milliseconds(5));  // bucket had a token: backoff decides
  EXPECT_EQ(limiter.when("b"), seconds(1));       // bucket empty: one second of debt
  EXPECT_EQ(limiter.num_requeues("a"), 1);
  limiter.forget("a");
  EXPECT_EQ(limiter.num_requeues("a"), 0);
}

}  // namespace
}  // namespace hvo::kube
