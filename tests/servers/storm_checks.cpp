#include "tests/servers/storm_checks.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace hvo::testing {
namespace {

constexpr int kConnectCloses = 10000;
constexpr int kSlowClients = 1000;
constexpr int kFdSlack = 8;
constexpr int kThreadBound = 32;

}  // namespace

void expect_connect_storm_leaves_no_fds(const char* what, pid_t pid, uint16_t port) {
  using net::testing::count_fds;
  const int before = count_fds(pid);
  ASSERT_GT(before, 0) << "cannot read /proc/" << pid << "/fd";
  EXPECT_EQ(net::testing::connect_close_storm(port, kConnectCloses), 0);
  const int right_after = count_fds(pid);
  int after = right_after;
  EXPECT_TRUE(net::testing::eventually(
      [&] {
        after = count_fds(pid);
        return after <= before + kFdSlack;
      },
      std::chrono::seconds(30)))
      << what << ": fds before " << before << ", after " << after;
  std::printf("%s: %d connect/close pairs: fds before %d, right after %d, settled %d\n", what,
              kConnectCloses, before, right_after, after);
}

void expect_slow_clients_cost_no_threads(const char* what, pid_t pid, uint16_t port,
                                         const net::testing::SlowClientTls& tls,
                                         const std::function<bool()>& normal_request) {
  using net::testing::count_fds;
  using net::testing::count_threads;
  if (net::testing::raise_fd_limit() < 2 * kSlowClients + 256)
    GTEST_SKIP() << "RLIMIT_NOFILE hard limit too low for " << kSlowClients << " clients";
  const int threads_before = count_threads(pid);
  const int fds_before = count_fds(pid);
  net::testing::SlowClients slow;
  EXPECT_EQ(slow.open(port, kSlowClients, tls), 0);
  const int threads_during = count_threads(pid);
  const int fds_during = count_fds(pid);
  const int still_open = slow.still_open();
  EXPECT_LE(threads_during, kThreadBound) << what << ": threads before " << threads_before;
  // The storm was real: the server held many of the connections at once (the first ones may
  // meet their 10 s header deadline on a slow machine before the last one is made).
  EXPECT_GE(fds_during, fds_before + kSlowClients / 4) << what;
  EXPECT_TRUE(normal_request()) << what << ": a normal request failed during the storm";
  const int threads_after_request = count_threads(pid);
  EXPECT_LE(threads_after_request, kThreadBound) << what;
  std::printf(
      "%s: %d slow TLS clients: threads before %d, during %d, after a normal request %d; "
      "fds before %d, during %d; clients still connected %d\n",
      what, kSlowClients, threads_before, threads_during, threads_after_request, fds_before,
      fds_during, still_open);
}

}  // namespace hvo::testing
