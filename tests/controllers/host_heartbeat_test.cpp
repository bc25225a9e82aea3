// The host monitor's API writes over time, on a clock the test moves: an idle host's status is
// written when something changed and its heartbeat at most once every five minutes; credentials are
// read from the SecretSource (the operator's cache), never with a GET per poll.
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

TEST_F(HostHeartbeatTest, IdleHostWritesItsHeartbeatAtMostOnceEveryFiveMinutes) {
  add_host("hv-01");
  poll("hv-01");
  const std::string first = heartbeat("hv-01");
  ASSERT_FALSE(first.empty());
  const int writes = cluster.status_writes;

  // Polls every 30 s for 4.5 minutes: nothing changed, nothing written.
  for (int i = 0; i < 9; ++i) {
    clock.advance(std::chrono::seconds(30));
    poll("hv-01");
  }
  EXPECT_EQ(cluster.status_writes, writes);
  EXPECT_EQ(heartbeat("hv-01"), first);

  // Five minutes are over: one write moves the heartbeat, the next polls write nothing again.
  clock.advance(std::chrono::seconds(30));
  poll("hv-01");
  EXPECT_EQ(cluster.status_writes, writes + 1);
  EXPECT_NE(heartbeat("hv-01"), first);
  clock.advance(std::chrono::seconds(30));
  poll("hv-01");
  EXPECT_EQ(cluster.status_writes, writes + 1);
}

// A restarted operator polls every host at once; an idle host's status is not rewritten while
// its heartbeat is younger than the interval (a later poll moves it).
TEST_F(HostHeartbeatTest, RestartedOperatorWritesNothingForAnIdleHost) {
  add_host("hv-01");
  poll("hv-01");
  const std::string first = heartbeat("hv-01");
  const int writes = cluster.status_writes;
  clock.advance(std::chrono::seconds(290));

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

// The written heartbeat is minutes old by design, so a restarted operator that cannot reach a
// Ready host gives it the whole timeout from its own first look before calling it NotReady.
TEST_F(HostHeartbeatTest, RestartedOperatorGivesAReadyHostTheWholeTimeoutFromItsFirstLook) {
  auto agent = add_host("hv-01");
  poll("hv-01");
  clock.advance(std::chrono::minutes(4));
  agent->unreachable = true;

  HyperVHostReconciler restarted{hosts,   ledger, observations, cluster,
                                 secrets, agents, events,       HostReconcilerOptions(),
                                 clock};
  const auto ready = [&] {
    EXPECT_TRUE(restarted.reconcile(kube::Request{"", "hv-01"}).ok());
    return condition_field(cluster.object(kHyperVHosts, "", "hv-01"), "Ready", "status");
  };
  EXPECT_EQ(ready(), "True");
  EXPECT_EQ(condition_field(cluster.object(kHyperVHosts, "", "hv-01"), "Reachable", "status"),
            "False");
  clock.advance(std::chrono::seconds(119));
  EXPECT_EQ(ready(), "True");
  clock.advance(std::chrono::seconds(2));
  EXPECT_EQ(ready(), "False");
  EXPECT_EQ(condition_field(cluster.object(kHyperVHosts, "", "hv-01"), "Ready", "reason"),
            "HeartbeatTimeout");
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
