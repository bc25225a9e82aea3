#include "controllers/scheduler.h"

#include <gtest/gtest.h>

namespace hvo::controllers {
namespace {

constexpr std::int64_t kGi = 1024LL * 1024 * 1024;

HostSnapshot host(const std::string& name, std::int64_t cpu = 16, std::int64_t memory_gi = 64) {
  HostSnapshot h;
  h.name = name;
  h.ready = true;
  h.capabilities = {"Generation2", "SecureBoot"};
  h.images = {"ubuntu-24.04"};
  h.switches = {"external"};
  h.allocatable = {cpu, memory_gi * kGi, 1000 * kGi};
  return h;
}

PlacementRequest request(std::int64_t cpu = 2, std::int64_t memory_gi = 4) {
  PlacementRequest r;
  r.requested = {cpu, memory_gi * kGi, 20 * kGi};
  r.capabilities = {"Generation2"};
  r.image = "ubuntu-24.04";
  r.switches = {"external"};
  return r;
}

k8s::Selector selector(const std::string& text) {
  return k8s::Selector::parse(text).value();
}

TEST(Scheduler, BinPackPrefersTheFullestHostThatFits) {
  auto a = host("hv-a"), b = host("hv-b");
  b.allocated = {8, 32 * kGi, 0};
  const auto decision = schedule(request(), {a, b});
  ASSERT_TRUE(decision.host);
  EXPECT_EQ(*decision.host, "hv-b");
  EXPECT_EQ(decision.message, "placed on hv-b (BinPack)");
}

TEST(Scheduler, SpreadPrefersTheEmptiestHost) {
  auto a = host("hv-a"), b = host("hv-b");
  b.allocated = {8, 32 * kGi, 0};
  auto r = request();
  r.strategy = PlacementStrategy::kSpread;
  EXPECT_EQ(*schedule(r, {a, b}).host, "hv-a");
}

TEST(Scheduler, EqualScoresGoToTheFirstNameSoDecisionsAreStable) {
  EXPECT_EQ(*schedule(request(), {host("hv-c"), host("hv-a"), host("hv-b")}).host, "hv-a");
}

TEST(Scheduler, SpreadOverSuccessivePlacementsUsesEveryHost) {
  std::vector<HostSnapshot> hosts = {host("hv-a"), host("hv-b"), host("hv-c")};
  auto r = request();
  r.strategy = PlacementStrategy::kSpread;
  std::set<std::string> used;
  for (int i = 0; i < 3; ++i) {
    const auto decision = schedule(r, hosts);
    ASSERT_TRUE(decision.host);
    used.insert(*decision.host);
    for (auto& h : hosts) {
      if (h.name == *decision.host)
        h.allocated += r.requested;
    }
  }
  EXPECT_EQ(used.size(), 3u);
}

TEST(Scheduler, NoFitGroupsReasonsByCountWithSingularAndPlural) {
  auto a = host("hv-a", 16, 4), b = host("hv-b", 16, 4), c = host("hv-c");
  c.images = {};
  auto r = request(2, 8);
  r.image = "rocky-10";
  a.images.insert("rocky-10");
  b.images.insert("rocky-10");
  const auto decision = schedule(r, {a, b, c});
  EXPECT_FALSE(decision.host);
  EXPECT_EQ(decision.message, "0/3 hosts fit: 2 lack 8Gi free memory, 1 lacks image rocky-10");
  ASSERT_EQ(decision.verdicts.size(), 3u);
  EXPECT_EQ(decision.verdicts[2].unfit->singular, "lacks image rocky-10");
}

struct FilterCase {
  const char* name;
  std::function<void(HostSnapshot&, PlacementRequest&)> setup;
  const char* expected;
};

// What gtest prints for a row, and so what ctest names it by: a name, not the bytes.
void PrintTo(const FilterCase& c, std::ostream* os) {
  *os << c.name;
}

class SchedulerFilter : public ::testing::TestWithParam<FilterCase> {};

TEST_P(SchedulerFilter, ReportsTheFirstFailingFilter) {
  auto h = host("hv-a");
  h.labels = {{"zone", "a"}};
  auto r = request();
  GetParam().setup(h, r);
  const auto decision = schedule(r, {h, host("hv-pinned")});
  ASSERT_TRUE(decision.verdicts[0].unfit) << GetParam().name;
  EXPECT_EQ(decision.verdicts[0].unfit->singular, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Filters, SchedulerFilter,
    ::testing::Values(
        FilterCase{"NotReady", [](auto& h, auto&) { h.ready = false; }, "is not Ready"},
        FilterCase{"Unreachable", [](auto& h, auto&) { h.reachable = false; },
                   "does not answer its polls"},
        FilterCase{"Unschedulable", [](auto& h, auto&) { h.unschedulable = true; },
                   "is unschedulable"},
        FilterCase{"Maintenance", [](auto& h, auto&) { h.maintenance = true; },
                   "is in maintenance"},
        FilterCase{"Pinned", [](auto&, auto& r) { r.pinned_host = "hv-pinned"; },
                   "is not the pinned host hv-pinned"},
        FilterCase{"HostSelector", [](auto&, auto& r) { r.host_selector = selector("zone=b"); },
                   "does not match spec.placement.hostSelector"},
        FilterCase{"TenantSelector",
                   [](auto&, auto& r) { r.tenant_host_selector = selector("zone in (b,c)"); },
                   "is not allowed by the tenant's hostSelector"},
        FilterCase{"Capability", [](auto&, auto& r) { r.capabilities.insert("TPM"); },
                   "lacks capability TPM"},
        FilterCase{"Image", [](auto&, auto& r) { r.image = "rocky-10"; }, "lacks image rocky-10"},
        FilterCase{"Switch", [](auto&, auto& r) { r.switches.insert("storage"); },
                   "lacks switch storage"},
        FilterCase{"AntiAffinity",
                   [](auto& h, auto& r) {
                     h.anti_affinity_groups = {"db"};
                     r.anti_affinity_group = "db";
                   },
                   "already runs a VM of anti-affinity group db"},
        FilterCase{"Cpu", [](auto& h, auto&) { h.allocated.cpu = 15; }, "lacks 2 free vCPUs"},
        FilterCase{"Memory", [](auto& h, auto&) { h.allocated.memory = 62 * kGi; },
                   "lacks 4Gi free memory"},
        FilterCase{"Storage", [](auto& h, auto&) { h.allocated.storage = 990 * kGi; },
                   "lacks 20Gi free storage"},
        FilterCase{"ReadyWinsOverCapacity",
                   [](auto& h, auto&) {
                     h.ready = false;
                     h.allocated.cpu = 16;
                   },
                   "is not Ready"}),
    [](const auto& info) { return info.param.name; });

TEST(Scheduler, AntiAffinityPlacesAGroupOnDistinctHosts) {
  std::vector<HostSnapshot> hosts = {host("hv-a"), host("hv-b")};
  auto r = request();
  r.anti_affinity_group = "web";
  std::set<std::string> used;
  for (int i = 0; i < 2; ++i) {
    const auto decision = schedule(r, hosts);
    ASSERT_TRUE(decision.host);
    used.insert(*decision.host);
    for (auto& h : hosts) {
      if (h.name == *decision.host)
        h.anti_affinity_groups.insert("web");
    }
  }
  EXPECT_EQ(used.size(), 2u);
  const auto third = schedule(r, hosts);
  EXPECT_FALSE(third.host);
  EXPECT_EQ(third.message, "0/2 hosts fit: 2 already run a VM of anti-affinity group web");
}

TEST(Scheduler, PinnedHostThatDoesNotExistIsNamed) {
  auto r = request();
  r.pinned_host = "hv-09";
  const auto decision = schedule(r, {host("hv-a")});
  EXPECT_FALSE(decision.host);
  EXPECT_EQ(decision.message,
            "pinned host hv-09 (spec.placement.host) is not a registered HyperVHost");
}

TEST(Scheduler, PinnedHostIsChosenEvenWhenOthersScoreBetter) {
  auto a = host("hv-a"), b = host("hv-b");
  a.allocated = {8, 32 * kGi, 0};
  auto r = request();
  r.pinned_host = "hv-b";
  EXPECT_EQ(*schedule(r, {a, b}).host, "hv-b");
}

TEST(Scheduler, NoHostsAtAll) {
  const auto decision = schedule(request(), {});
  EXPECT_FALSE(decision.host);
  EXPECT_EQ(decision.message, "0/0 hosts fit: no HyperVHost is registered");
}

TEST(Scheduler, OneHostMessageIsSingular) {
  auto h = host("hv-a");
  h.ready = false;
  EXPECT_EQ(schedule(request(), {h}).message, "0/1 host fits: 1 is not Ready");
}

TEST(Scheduler, ExactFitIsAccepted) {
  auto h = host("hv-a", 2, 4);
  h.allocatable.storage = 20 * kGi;
  EXPECT_EQ(*schedule(request(2, 4), {h}).host, "hv-a");
}

}  // namespace
}  // namespace hvo::controllers
