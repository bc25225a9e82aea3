#include "operator/leader_elector.h"

#include <gtest/gtest.h>

#include <atomic>
#include <regex>
#include <thread>

#include "tests/runtime/fake_api_server.h"
#include "tests/runtime/fake_clock.h"
#include "tests/runtime/metrics_text.h"

namespace hvo::kube {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::FakeApiServer;
using testing::FakeClock;
using testing::sample;

const std::string kLeasePath = "/apis/coordination.k8s.io/v1/namespaces/hyperv-system/leases/hvo";

class LeaderElectorTest : public ::testing::Test {
 protected:
  LeaderElectionOptions options(const std::string& identity) {
    LeaderElectionOptions o;
    o.lease_namespace = "hyperv-system";
    o.lease_name = "hvo";
    o.identity = identity;
    o.random = [] { return 0.0; };
    return o;
  }
  json lease_spec() { return server->object(kLeasePath).value()["spec"]; }

  std::shared_ptr<FakeApiServer> server = std::make_shared<FakeApiServer>();
  metrics::Registry registry;
  FakeClock clock;
  RestClient client{server, "https://fake:6443", nullptr, registry, RestClientOptions(), clock};
};

TEST_F(LeaderElectorTest, FirstCandidateCreatesTheLease) {
  LeaderElector a(client, options("a"), registry, clock);
  ASSERT_TRUE(a.try_acquire_or_renew());
  const json spec = lease_spec();
  EXPECT_EQ(spec["holderIdentity"], "a");
  EXPECT_EQ(spec["leaseDurationSeconds"], 15);
  EXPECT_EQ(spec["leaseTransitions"], 0);
  const std::regex micro_time(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)");
  EXPECT_TRUE(std::regex_match(spec["renewTime"].get<std::string>(), micro_time))
      << spec["renewTime"];
  EXPECT_TRUE(std::regex_match(spec["acquireTime"].get<std::string>(), micro_time));
}

TEST_F(LeaderElectorTest, RenewKeepsAcquireTimeAndTransitions) {
  LeaderElector a(client, options("a"), registry, clock);
  ASSERT_TRUE(a.try_acquire_or_renew());
  const json first = lease_spec();
  clock.advance(seconds(2));
  ASSERT_TRUE(a.try_acquire_or_renew());
  const json renewed = lease_spec();
  EXPECT_EQ(renewed["acquireTime"], first["acquireTime"]);
  EXPECT_EQ(renewed["leaseTransitions"], 0);
  EXPECT_NE(renewed["renewTime"], first["renewTime"]);
}

TEST_F(LeaderElectorTest, CandidateTakesOverOnlyAfterTheRecordStayedUnchangedForTheLease) {
  LeaderElector a(client, options("a"), registry, clock);
  LeaderElector b(client, options("b"), registry, clock);
  ASSERT_TRUE(a.try_acquire_or_renew());
  EXPECT_FALSE(b.try_acquire_or_renew());  // b starts its local timer now
  EXPECT_EQ(b.observed_leader(), "a");
  clock.advance(seconds(14));
  EXPECT_FALSE(b.try_acquire_or_renew());
  clock.advance(seconds(1));
  ASSERT_TRUE(b.try_acquire_or_renew());
  const json spec = lease_spec();
  EXPECT_EQ(spec["holderIdentity"], "b");
  EXPECT_EQ(spec["leaseTransitions"], 1);
}

TEST_F(LeaderElectorTest, ARenewingHolderKeepsTheLease) {
  LeaderElector a(client, options("a"), registry, clock);
  LeaderElector b(client, options("b"), registry, clock);
  ASSERT_TRUE(a.try_acquire_or_renew());
  for (int i = 0; i < 20; ++i) {
    EXPECT_FALSE(b.try_acquire_or_renew());
    clock.advance(seconds(2));
    ASSERT_TRUE(a.try_acquire_or_renew());
  }
  EXPECT_EQ(lease_spec()["holderIdentity"], "a");
}

// b and c both find the lease expired; b writes between c's read and c's write, so c's write
// with the old resourceVersion is refused with 409 and c stays a candidate.
TEST_F(LeaderElectorTest, OfTwoSimultaneousCandidatesOnlyOneWins) {
  LeaderElector a(client, options("a"), registry, clock);
  LeaderElector b(client, options("b"), registry, clock);
  LeaderElector c(client, options("c"), registry, clock);
  ASSERT_TRUE(a.try_acquire_or_renew());
  EXPECT_FALSE(b.try_acquire_or_renew());
  EXPECT_FALSE(c.try_acquire_or_renew());
  clock.advance(seconds(16));  // a stopped renewing

  bool b_won = false;
  server->add_fault(testing::pass_through([] {}));  // c's GET goes through
  server->add_fault(testing::pass_through([&] {     // before c's PUT, b does it all
    b_won = b.try_acquire_or_renew();
  }));
  EXPECT_FALSE(c.try_acquire_or_renew());
  EXPECT_TRUE(b_won);
  EXPECT_EQ(lease_spec()["holderIdentity"], "b");
  EXPECT_EQ(lease_spec()["leaseTransitions"], 1);
}

TEST_F(LeaderElectorTest, RejectsInconsistentDurations) {
  LeaderElectionOptions bad = options("a");
  bad.renew_deadline = seconds(20);
  LeaderElector elector(client, bad, registry, clock);
  Status started = elector.start();
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.error().message().find("hyperv-system/hvo"), std::string::npos);
}

// Runs two electors on threads over the fake clock; the test moves time in retry-period steps.
class ElectionRace : public LeaderElectorTest {
 protected:
  struct Candidate {
    std::atomic<int> started{0};
    std::atomic<int> stopped{0};
    std::unique_ptr<LeaderElector> elector;
  };

  void make(Candidate& candidate, const std::string& identity, bool release = true) {
    LeaderElectionOptions o = options(identity);
    o.release_on_stop = release;
    o.on_started_leading = [&candidate] { ++candidate.started; };
    o.on_stopped_leading = [&candidate] { ++candidate.stopped; };
    candidate.elector = std::make_unique<LeaderElector>(client, o, registry, clock);
  }

  // Advances the clock by retry periods until `done`; returns the time advanced.
  template <typename Predicate>
  Duration advance_until(Predicate done) {
    Duration advanced = Duration::zero();
    while (!done()) {
      clock.advance(milliseconds(100));
      advanced += milliseconds(100);
      std::this_thread::sleep_for(std::chrono::microseconds(300));
    }
    return advanced;
  }
};

TEST_F(ElectionRace, ExactlyOneLeaderAndAReleasedLeaseIsTakenAtOnce) {
  Candidate a, b;
  make(a, "a");
  make(b, "b");
  ASSERT_TRUE(a.elector->start().ok());
  advance_until([&] { return a.elector->is_leader(); });
  ASSERT_TRUE(b.elector->start().ok());
  advance_until([&] { return b.elector->observed_leader() == "a"; });
  EXPECT_FALSE(b.elector->is_leader());
  EXPECT_EQ(sample(registry, R"(leader_election_master_status{name="hvo"})"), 1);

  a.elector->stop();  // SIGTERM: stop reconciling, then release
  EXPECT_EQ(a.started.load(), 1);
  EXPECT_EQ(a.stopped.load(), 1);
  EXPECT_EQ(lease_spec()["holderIdentity"], "");
  const Duration handover = advance_until([&] { return b.elector->is_leader(); });
  EXPECT_LE(handover, seconds(3));  // one retry period (+20 % jitter), not a lease duration
  EXPECT_EQ(lease_spec()["holderIdentity"], "b");
  b.elector->stop();
}

TEST_F(ElectionRace, AKilledLeaderIsReplacedWithinTheLeaseDuration) {
  Candidate a, b;
  make(a, "a", /*release=*/false);
  make(b, "b");
  ASSERT_TRUE(a.elector->start().ok());
  advance_until([&] { return a.elector->is_leader(); });
  ASSERT_TRUE(b.elector->start().ok());
  advance_until([&] { return b.elector->observed_leader() == "a"; });

  a.elector->stop();  // no release: as if the process was killed
  EXPECT_EQ(lease_spec()["holderIdentity"], "a");
  const Duration handover = advance_until([&] { return b.elector->is_leader(); });
  EXPECT_LE(handover, seconds(15) + seconds(3));  // lease duration plus one retry period
  EXPECT_EQ(lease_spec()["leaseTransitions"], 1);
  b.elector->stop();
}

TEST_F(ElectionRace, ALeaderThatCannotRenewStopsLeadingAfterTheRenewDeadline) {
  Candidate a;
  make(a, "a");
  ASSERT_TRUE(a.elector->start().ok());
  advance_until([&] { return a.elector->is_leader(); });
  server->require_token("nobody-has-this");  // every renewal now fails with 401
  const Duration lost_after = advance_until([&] { return a.stopped.load() == 1; });
  EXPECT_FALSE(a.elector->is_leader());
  EXPECT_GE(lost_after, seconds(10) - seconds(2));
  EXPECT_EQ(sample(registry, R"(leader_election_master_status{name="hvo"})"), 0);
  a.elector->stop();
}

}  // namespace
}  // namespace hvo::kube
