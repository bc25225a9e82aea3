// The reservation ledger: sums that follow the VM cache, and this process's own writes counted
// ahead of it until the cache shows them.
#include "controllers/reservation_ledger.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>

namespace hvo::controllers {
namespace {

using Json = k8s::Json;

// A cached VM as the API stores it: reserved (QuotaReserved=True, status.allocated) or not.
kube::ObjectPtr vm(const std::string& name, const std::string& version, const std::string& host,
                   int cpus, const std::string& group = "", bool reserved = true) {
  Json object = {
      {"metadata", {{"name", name}, {"namespace", "team-a"}, {"resourceVersion", version}}},
      {"spec", Json::object()},
      {"status", {{"host", host}}}};
  if (!group.empty())
    object["spec"]["placement"] = {{"antiAffinityGroup", group}};
  if (reserved) {
    object["status"]["allocated"] = {{"cpu", cpus}, {"memory", "1Gi"}, {"storage", "0"}};
    object["status"]["conditions"] = Json::array({{{"type", "QuotaReserved"}, {"status", "True"}}});
  }
  return std::make_shared<const Json>(std::move(object));
}

VmHolding holding(const std::string& host, int cpus) {
  VmHolding held;
  held.ns = "team-a";
  held.host = host;
  held.amounts.cpu = cpus;
  held.amounts.memory = 1LL << 30;
  held.usage = QuotaUsage{cpus, 1LL << 30, 0, 1};
  return held;
}

class ReservationLedgerTest : public ::testing::Test {
 protected:
  ReservationLedgerTest() { store.add_observer(ledger.observer()); }

  std::int64_t cpus_in_namespace() {
    return ledger.reserved({"team-a"}, [](const std::string&) { return true; }).vcpus;
  }
  std::int64_t vms_in_namespace() {
    return ledger.reserved({"team-a"}, [](const std::string&) { return true; }).vms;
  }

  ReservationLedger ledger;
  kube::Store store;
};

TEST_F(ReservationLedgerTest, SumsFollowTheCache) {
  store.upsert("team-a/a", vm("a", "1", "hv-1", 2, "web"));
  store.upsert("team-a/b", vm("b", "2", "hv-1", 4));
  store.upsert("team-a/c", vm("c", "3", "", 1, "", /*reserved=*/false));
  EXPECT_EQ(cpus_in_namespace(), 6);
  EXPECT_EQ(vms_in_namespace(), 2);
  EXPECT_EQ(ledger.allocated("hv-1").cpu, 6);
  EXPECT_TRUE(ledger.runs_group("hv-1", "web"));
  EXPECT_FALSE(ledger.runs_group("hv-2", "web"));
  // Only the hosts the quota counts: a host-scoped quota sees hv-1's VMs, not unplaced ones.
  EXPECT_EQ(ledger.reserved({"team-a"}, [](const std::string& h) { return h == "hv-2"; }).vcpus, 0);

  store.upsert("team-a/a", vm("a", "4", "hv-2", 2, "web"));  // moved (as a test can)
  EXPECT_EQ(ledger.allocated("hv-1").cpu, 4);
  EXPECT_FALSE(ledger.runs_group("hv-1", "web"));
  EXPECT_TRUE(ledger.runs_group("hv-2", "web"));
  EXPECT_EQ(ledger.allocated("hv-2").cpu, 2);

  store.remove("team-a/b");
  EXPECT_EQ(cpus_in_namespace(), 2);
  EXPECT_EQ(ledger.allocated("hv-1").cpu, 0);
  EXPECT_FALSE(ledger.holding("team-a/b"));
}

TEST_F(ReservationLedgerTest, TheInFlightPartIsWhatIsNotProvisionedYet) {
  const auto every_host = [](const std::string&) { return true; };
  store.upsert("team-a/a", vm("a", "1", "hv-1", 2));
  store.upsert("team-a/b", vm("b", "2", "hv-2", 4));
  EXPECT_EQ(ledger.tally({"team-a"}, every_host).in_flight.vcpus, 6);

  Json provisioned = *vm("a", "3", "hv-1", 2);
  provisioned["status"]["conditions"].push_back({{"type", "Provisioned"}, {"status", "True"}});
  store.upsert("team-a/a", std::make_shared<const Json>(provisioned));

  const ReservedTally all = ledger.tally({"team-a"}, every_host);
  EXPECT_EQ(all.used.vcpus, 6);
  EXPECT_EQ(all.in_flight.vcpus, 4);
  EXPECT_EQ(all.in_flight.vms, 1);
  const ReservedTally on_hv1 =
      ledger.tally({"team-a"}, [](const std::string& host) { return host == "hv-1"; });
  EXPECT_EQ(on_hv1.used.vcpus, 2);
  EXPECT_EQ(on_hv1.in_flight.vcpus, 0);
  store.remove("team-a/b");
  EXPECT_EQ(ledger.tally({"team-a"}, every_host).in_flight.vms, 0);
}

TEST_F(ReservationLedgerTest, AnObserverAddedLateCountsWhatIsAlreadyCached) {
  kube::Store filled;
  filled.upsert("team-a/a", vm("a", "1", "hv-1", 3));
  ReservationLedger late;
  filled.add_observer(late.observer());
  EXPECT_EQ(late.allocated("hv-1").cpu, 3);
}

TEST_F(ReservationLedgerTest, OwnWriteCountsBeforeTheCacheShowsIt) {
  store.upsert("team-a/a", vm("a", "1", "", 0, "", /*reserved=*/false));
  ledger.expect("team-a/a", holding("hv-1", 2));
  EXPECT_EQ(cpus_in_namespace(), 2);
  EXPECT_EQ(ledger.allocated("hv-1").cpu, 2);
  ledger.wrote("team-a/a", "1", "5");

  // The pass that starts from the version we wrote over is behind; our own version is not.
  EXPECT_TRUE(ledger.cache_behind("team-a/a", "1"));
  EXPECT_FALSE(ledger.cache_behind("team-a/a", "5"));

  // The cache delivers an older event again: the expectation still wins, counted once.
  store.upsert("team-a/a", vm("a", "1", "", 0, "", /*reserved=*/false));
  EXPECT_EQ(cpus_in_namespace(), 2);
  EXPECT_EQ(vms_in_namespace(), 1);

  // The cache shows our write: the expectation has served; the sums are the cache's.
  store.upsert("team-a/a", vm("a", "5", "hv-1", 2));
  EXPECT_FALSE(ledger.cache_behind("team-a/a", "1"));
  EXPECT_EQ(cpus_in_namespace(), 2);
  EXPECT_EQ(vms_in_namespace(), 1);
}

TEST_F(ReservationLedgerTest, WatchFasterThanTheWriteAnswerStillCatchesUp) {
  store.upsert("team-a/a", vm("a", "1", "", 0, "", false));
  ledger.expect("team-a/a", holding("hv-1", 2));
  // The event of our write arrives while the write is in flight: the expectation stays...
  store.upsert("team-a/a", vm("a", "2", "hv-1", 2));
  EXPECT_EQ(vms_in_namespace(), 1);
  // ...and the answer finds the cache already at the written version.
  ledger.wrote("team-a/a", "1", "2");
  EXPECT_FALSE(ledger.cache_behind("team-a/a", "1"));
  store.upsert("team-a/a", vm("a", "3", "", 0, "", false));  // someone released it later
  EXPECT_EQ(vms_in_namespace(), 0);
}

TEST_F(ReservationLedgerTest, FailedWriteIsWithdrawn) {
  store.upsert("team-a/a", vm("a", "1", "", 0, "", false));
  auto previous = ledger.expect("team-a/a", holding("hv-1", 2));
  EXPECT_FALSE(previous);
  EXPECT_EQ(cpus_in_namespace(), 2);
  ledger.withdraw("team-a/a", previous);
  EXPECT_EQ(cpus_in_namespace(), 0);
  EXPECT_EQ(ledger.allocated("hv-1").cpu, 0);
}

TEST_F(ReservationLedgerTest, ADeletedVmStopsCountingEvenWithAnExpectation) {
  store.upsert("team-a/a", vm("a", "1", "", 0, "", false));
  ledger.expect("team-a/a", holding("hv-1", 2));
  ledger.wrote("team-a/a", "1", "2");
  store.remove("team-a/a");
  EXPECT_EQ(cpus_in_namespace(), 0);
  EXPECT_FALSE(ledger.cache_behind("team-a/a", "1"));
}

TEST_F(ReservationLedgerTest, TenantLockAdmitsOneVmAtATime) {
  const std::vector<QuotaSnapshot> quotas = {
      {"q", "team-a", {std::nullopt, std::nullopt, std::nullopt, 1}, std::nullopt}};
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      std::lock_guard<std::mutex> lock(ledger.tenant_lock("team-a"));
      const QuotaUsed used = [&](const QuotaSnapshot&) {
        return ledger.reserved({"team-a"}, [](const std::string&) { return true; });
      };
      if (!check_admission_with_usage("team-a", QuotaUsage{1, 1, 0, 1}, "", quotas, used, {})) {
        ledger.expect("team-a/vm-" + std::to_string(i), holding("", 1));
        admitted++;
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(admitted.load(), 1);
}

}  // namespace
}  // namespace hvo::controllers
