#include "operator/leader_elector.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <regex>
#include <thread>

#include "operator/controller.h"
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

// The fencing token of agent calls: the term is the Lease's leaseTransitions as this process
// acquired it; renewing keeps it, every change of holder raises it, and a replaced leader keeps
// its old term (its late calls carry it and are refused).
TEST_F(LeaderElectorTest, EveryChangeOfHolderRaisesTheTermAndAFormerLeaderKeepsItsOwn) {
  LeaderElector a(client, options("a"), registry, clock);
  LeaderElector b(client, options("b"), registry, clock);
  EXPECT_EQ(a.last_term(), std::nullopt);  // never led
  ASSERT_TRUE(a.try_acquire_or_renew());
  ASSERT_TRUE(a.last_term().has_value());
  EXPECT_EQ(a.last_term()->transitions, 0);
  EXPECT_EQ(a.last_term()->holder, "a");
  clock.advance(seconds(2));
  ASSERT_TRUE(a.try_acquire_or_renew());
  EXPECT_EQ(a.last_term()->transitions, 0);  // a renewal is the same term

  EXPECT_FALSE(b.try_acquire_or_renew());
  clock.advance(seconds(15));  // a stopped renewing (frozen)
  ASSERT_TRUE(b.try_acquire_or_renew());
  EXPECT_EQ(b.last_term()->transitions, 1);
  EXPECT_EQ(b.last_term()->holder, "b");
  EXPECT_FALSE(a.try_acquire_or_renew());  // a wakes up: b holds it
  EXPECT_EQ(a.last_term()->transitions, 0);

  clock.advance(seconds(15));  // now b stops renewing
  ASSERT_TRUE(a.try_acquire_or_renew());
  EXPECT_EQ(a.last_term()->transitions, 2);
  EXPECT_EQ(lease_spec()["leaseTransitions"], 2);
  EXPECT_GT(a.last_term()->transitions, b.last_term()->transitions);
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

  // Advances the clock in 100 ms steps until `done`; returns the time advanced. Each step waits
  // (bounded) until `sleepers` elector threads have caught up with the previous one, so the
  // time measured is the electors' and not the test thread's head start on a busy machine.
  template <typename Predicate>
  Duration advance_until(Predicate done, int sleepers = 1) {
    Duration advanced = Duration::zero();
    while (!done()) {
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (clock.sleepers_caught_up() < sleepers && !done() &&
             std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
      if (done())
        break;
      clock.advance(milliseconds(100));
      advanced += milliseconds(100);
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
  advance_until([&] { return b.elector->observed_leader() == "a"; }, 2);
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
  advance_until([&] { return b.elector->observed_leader() == "a"; }, 2);

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

// The write fence's question: a leader whose renewals stopped succeeding does not hold the
// Lease once the renew deadline has passed since its last renewal began, whether or not its
// elector thread has noticed yet (a frozen process wakes up with both behind).
TEST_F(ElectionRace, ALeaderPastItsRenewDeadlineNoLongerHoldsTheLease) {
  Candidate a;
  make(a, "a");
  ASSERT_TRUE(a.elector->start().ok());
  advance_until([&] { return a.elector->is_leader(); });
  EXPECT_TRUE(a.elector->holds_lease());
  server->require_token("nobody-has-this");  // every renewal now fails
  clock.advance(seconds(11));                // past the 10 s renew deadline in one step
  EXPECT_FALSE(a.elector->holds_lease());
  a.elector->stop();
  EXPECT_FALSE(a.elector->holds_lease());
}

// A stop that arrives while an attempt to take the Lease is on the wire: the attempt may win,
// but the elector gives the Lease back without leading (no on_started_leading, no controllers).
TEST_F(ElectionRace, AStopDuringAnAcquireGivesTheLeaseBackWithoutLeading) {
  Candidate a;
  make(a, "a");
  std::atomic<bool> asked{false};
  server->add_fault(testing::pass_through([&a, &asked] {
    a.elector->request_stop();  // as SIGTERM would, while the first GET is on its way
    asked = true;
  }));
  ASSERT_TRUE(a.elector->start().ok());
  while (!asked)
    std::this_thread::sleep_for(milliseconds(1));
  a.elector->stop();
  EXPECT_EQ(a.started.load(), 0);
  EXPECT_EQ(a.stopped.load(), 0);
  EXPECT_FALSE(a.elector->is_leader());
  // The attempt created the Lease; it was released at once.
  EXPECT_EQ(lease_spec()["holderIdentity"], "");
  EXPECT_EQ(sample(registry, R"(leader_election_master_status{name="hvo"})"), 0);
}

// A leader that lost its lease and asked to stop from on_stopped_leading (the operator exits)
// does not campaign again, even when the API answers again before the process is gone.
TEST_F(ElectionRace, ALeaderStoppingAfterALostLeaseDoesNotCampaignAgain) {
  Candidate a;
  LeaderElectionOptions o = options("a");
  o.on_started_leading = [&a] { ++a.started; };
  o.on_stopped_leading = [&] {
    ++a.stopped;
    a.elector->request_stop();
    server->require_token("");  // the API is back
  };
  a.elector = std::make_unique<LeaderElector>(client, o, registry, clock);
  ASSERT_TRUE(a.elector->start().ok());
  advance_until([&] { return a.elector->is_leader(); });
  server->require_token("nobody-has-this");  // every renewal now fails with 401
  advance_until([&] { return a.stopped.load() == 1; });
  const std::size_t requests_at_loss = server->requests().size();
  a.elector->stop();
  EXPECT_EQ(a.started.load(), 1);
  EXPECT_EQ(server->requests().size(), requests_at_loss);  // not one more Lease request
  EXPECT_FALSE(a.elector->is_leader());
}

// Records reconciles; the first one blocks until let go, so a lost lease can arrive mid-reconcile.
class FirstCallBlocksReconciler : public Reconciler {
 public:
  Result<ReconcileResult> reconcile(const Request& request) override {
    std::unique_lock<std::mutex> lock(mu_);
    keys_.push_back(request.key());
    cv_.notify_all();
    if (keys_.size() == 1)
      cv_.wait(lock, [this] { return released_; });
    return ReconcileResult::done();
  }
  void wait_for_calls(std::size_t count) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return keys_.size() >= count; });
  }
  void let_go() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    cv_.notify_all();
  }
  std::vector<std::string> keys() {
    std::lock_guard<std::mutex> lock(mu_);
    return keys_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> keys_;
  bool released_ = false;
};

// The wiring the operator uses: controllers run only while leading. When renewals fail past the
// renew deadline, the controller is stopped before the elector reports the loss: the reconcile
// in progress finishes, nothing queued is reconciled, and nothing starts afterwards.
TEST_F(ElectionRace, LosingTheLeaseStopsReconcilingAtOnce) {
  FirstCallBlocksReconciler reconciler;
  Controller controller({"vm", 1, {}}, reconciler, registry);
  Candidate a;
  make(a, "a");
  LeaderElectionOptions o = options("a");
  o.on_started_leading = [&] {
    ++a.started;
    controller.start();
  };
  o.on_stopped_leading = [&] {
    controller.stop();
    ++a.stopped;
  };
  a.elector = std::make_unique<LeaderElector>(client, o, registry, clock);
  ASSERT_TRUE(a.elector->start().ok());
  advance_until([&] { return a.elector->is_leader(); });

  controller.enqueue({"ns", "busy"});
  reconciler.wait_for_calls(1);
  controller.enqueue({"ns", "queued-1"});
  controller.enqueue({"ns", "queued-2"});
  server->require_token("nobody-has-this");  // every renewal now fails with 401
  advance_until([&] { return controller.queue().shutting_down(); });
  EXPECT_EQ(a.stopped.load(), 0);  // still waiting for the running reconcile
  reconciler.let_go();
  advance_until([&] { return a.stopped.load() == 1; });
  EXPECT_FALSE(a.elector->is_leader());
  controller.enqueue({"ns", "after-loss"});
  a.elector->stop();
  EXPECT_EQ(reconciler.keys(), (std::vector<std::string>{"ns/busy"}));
}

}  // namespace
}  // namespace hvo::kube
