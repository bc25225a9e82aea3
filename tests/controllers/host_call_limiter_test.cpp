// HostCallLimiter: at most `limit` permits per host, never blocking, released by RAII, counted in
// the hyperv_agent_calls_in_flight gauge.
#include "controllers/host_call_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "common/metrics/registry.h"

namespace hvo::controllers {
namespace {

using Permit = HostCallLimiter::Permit;

TEST(HostCallLimiter, GivesAtMostLimitPermitsPerHostAndOthersAreUnaffected) {
  HostCallLimiter limiter(2);
  auto first = limiter.try_acquire("hv-01");
  auto second = limiter.try_acquire("hv-01");
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  EXPECT_EQ(first->host(), "hv-01");
  EXPECT_FALSE(limiter.try_acquire("hv-01"));  // full: refused at once
  EXPECT_EQ(limiter.in_flight("hv-01"), 2);

  auto other = limiter.try_acquire("hv-02");
  EXPECT_TRUE(other);
  EXPECT_EQ(limiter.in_flight("hv-02"), 1);
  EXPECT_EQ(limiter.in_flight("hv-03"), 0);
}

TEST(HostCallLimiter, APermitFreesItsSlotOnceWhenDestroyedOrMoved) {
  HostCallLimiter limiter(1);
  {
    auto permit = limiter.try_acquire("hv-01");
    ASSERT_TRUE(permit);
    EXPECT_FALSE(limiter.try_acquire("hv-01"));
  }
  EXPECT_EQ(limiter.in_flight("hv-01"), 0);

  std::optional<Permit> held = limiter.try_acquire("hv-01");
  ASSERT_TRUE(held);
  Permit moved = std::move(*held);
  held.reset();  // the moved-from permit releases nothing
  EXPECT_EQ(limiter.in_flight("hv-01"), 1);
  EXPECT_EQ(moved.host(), "hv-01");

  auto other_host = limiter.try_acquire("hv-02");
  ASSERT_TRUE(other_host);
  moved = std::move(*other_host);  // releases hv-01's slot, takes over hv-02's
  EXPECT_EQ(limiter.in_flight("hv-01"), 0);
  EXPECT_EQ(limiter.in_flight("hv-02"), 1);
  other_host.reset();
  EXPECT_EQ(limiter.in_flight("hv-02"), 1);
}

TEST(HostCallLimiter, LimitBelowOneIsRaisedToOneAndDefaultIsEight) {
  HostCallLimiter zero(0);
  EXPECT_EQ(zero.limit(), 1);
  auto permit = zero.try_acquire("hv-01");
  EXPECT_TRUE(permit);
  EXPECT_FALSE(zero.try_acquire("hv-01"));
  EXPECT_EQ(HostCallLimiter().limit(), 8);
}

TEST(HostCallLimiter, ConcurrentCallersNeverExceedTheLimit) {
  HostCallLimiter limiter(3);
  std::atomic<int> inside{0};
  std::atomic<int> most{0};
  std::atomic<int> granted{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 8; ++t) {
    callers.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        auto permit = limiter.try_acquire("hv-01");
        if (!permit)
          continue;
        ++granted;
        const int now = ++inside;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        --inside;
      }
    });
  }
  for (auto& caller : callers)
    caller.join();
  EXPECT_LE(most.load(), 3);
  EXPECT_GT(granted.load(), 0);
  EXPECT_EQ(limiter.in_flight("hv-01"), 0);
}

TEST(HostCallLimiter, InFlightGaugeFollowsPermitsAndLeavesWithTheHost) {
  metrics::Registry registry;
  AgentClientMetrics metrics(registry);
  HostCallLimiter limiter(4, &metrics);
  {
    auto first = limiter.try_acquire("hv-01");
    auto second = limiter.try_acquire("hv-01");
    EXPECT_NE(registry.expose().find("hyperv_agent_calls_in_flight{host=\"hv-01\"} 2"),
              std::string::npos)
        << registry.expose();
  }
  EXPECT_NE(registry.expose().find("hyperv_agent_calls_in_flight{host=\"hv-01\"} 0"),
            std::string::npos)
      << registry.expose();
  metrics.forget_host("hv-01");
  EXPECT_EQ(registry.expose().find("host=\"hv-01\""), std::string::npos);
}

}  // namespace
}  // namespace hvo::controllers
