// The host monitor's API writes over time, on a clock the test moves: an idle host's status is
// written when something changed and its heartbeat at most once a minute; credentials are read
// from the SecretSource (the operator's cache), never with a GET per poll.
#include <gtest/gtest.h>

#include "controllers/hypervhost_reconciler.h"
#include "tests/controllers/reconciler_fixture.h"
#include "tests/runtime/fake_clock.h"

namespace hvo::controllers {
namespace {

using testing::ReconcilerFixture;

class HostHeartbeatTest : public ReconcilerFixture {
 protected:
  void poll(const std::string& host) {
    auto result = reconciler.reconcile(kube::Request{"", host});
    EXPECT_TRUE(result.ok()) << result.error().message();
  }
  std::string heartbeat(const std::string& host) {
    return cluster.object(kHyperVHosts, "", host)["status"].value("lastHeartbeatTime", "");
  }

  kube::testing::FakeClock clock;
  HyperVHostReconciler reconciler{hosts,   ledger, observations, cluster,
                                  secrets, agents, events,       HostReconcilerOptions(),
                                  clock};
};

TEST_F(HostHeartbeatTest, IdleHostWritesItsHeartbeatAtMostOnceAMinute) {
  add_host("hv-01");
  poll("hv-01");
  const std::string first = heartbeat("hv-01");
  ASSERT_FALSE(first.empty());
  const int writes = cluster.status_writes;

  // Polls every 5 s for 55 s: nothing changed, nothing written.
  for (int i = 0; i < 11; ++i) {
    clock.advance(std::chrono::seconds(5));
    poll("hv-01");
  }
  EXPECT_EQ(cluster.status_writes, writes);
  EXPECT_EQ(heartbeat("hv-01"), first);

  // The minute is over: one write moves the heartbeat, the next polls write nothing again.
  clock.advance(std::chrono::seconds(5));
  poll("hv-01");
  EXPECT_EQ(cluster.status_writes, writes + 1);
  EXPECT_NE(heartbeat("hv-01"), first);
  clock.advance(std::chrono::seconds(5));
  poll("hv-01");
  EXPECT_EQ(cluster.status_writes, writes + 1);
}

// A restarted operator polls every host at once; an idle host's status is not rewritten, even
// when its heartbeat is over a minute old (the next poll moves it).
TEST_F(HostHeartbeatTest, RestartedOperatorWritesNothingForAnIdleHost) {
  add_host("hv-01");
  poll("hv-01");
  const std::string first = heartbeat("hv-01");
  const int writes = cluster.status_writes;
  clock.advance(std::chrono::seconds(70));

  HyperVHostReconciler restarted{hosts,   ledger, observations, cluster,
                                 secrets, agents, events,       HostReconcilerOptions(),
                                 clock};
  ASSERT_TRUE(restarted.reconcile(kube::Request{"", "hv-01"}).ok());
  EXPECT_EQ(cluster.status_writes, writes);
  EXPECT_EQ(heartbeat("hv-01"), first);

  clock.advance(std::chrono::seconds(30));
  ASSERT_TRUE(restarted.reconcile(kube::Request{"", "hv-01"}).ok());
  EXPECT_EQ(cluster.status_writes, writes + 1);
  EXPECT_NE(heartbeat("hv-01"), first);
}

TEST_F(HostHeartbeatTest, ChangeOnTheHostIsWrittenAtOnceWithoutMovingTheHeartbeat) {
  auto agent = add_host("hv-01");
  poll("hv-01");
  const std::string first = heartbeat("hv-01");
  const int writes = cluster.status_writes;

  clock.advance(std::chrono::seconds(10));
  agent->info.images.push_back({"rocky-9", 2LL << 30});
  poll("hv-01");

  EXPECT_EQ(cluster.status_writes, writes + 1);
  EXPECT_EQ(cluster.object(kHyperVHosts, "", "hv-01")["status"]["images"].size(), 2u);
  EXPECT_EQ(heartbeat("hv-01"), first);
}

TEST_F(HostHeartbeatTest, CredentialsComeFromTheSecretSource) {
  add_host("hv-01");
  poll("hv-01");
  poll("hv-01");

  EXPECT_EQ(secrets.reads, 2);
  EXPECT_EQ(connector.connects, 1);  // the client is reused while the Secret is unchanged
}

}  // namespace
}  // namespace hvo::controllers
