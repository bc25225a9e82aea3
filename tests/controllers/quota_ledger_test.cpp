#include "controllers/quota_ledger.h"

#include <gtest/gtest.h>

namespace hvo::controllers {
namespace {

constexpr std::int64_t kGi = 1024LL * 1024 * 1024;

QuotaSnapshot quota(const std::string& name, QuotaLimits hard,
                    const std::string& tenant = "team-a") {
  return QuotaSnapshot{name, tenant, hard, std::nullopt};
}

VmCharge charge(const std::string& vm, std::int64_t vcpus, std::int64_t memory_gi,
                const std::string& host = "hv-a", const std::string& tenant = "team-a") {
  return VmCharge{vm, tenant, host, QuotaUsage{vcpus, memory_gi * kGi, 0, 1}};
}

QuotaUsage ask(std::int64_t vcpus, std::int64_t memory_gi) {
  return QuotaUsage{vcpus, memory_gi * kGi, 0, 1};
}

TEST(QuotaLedger, UsedSumsOnlyTheTenantsCharges) {
  const auto q = quota("q", {});
  const auto used = used_by(
      q, {charge("ns/a", 2, 4), charge("ns/b", 4, 8), charge("other/c", 8, 16, "hv-a", "team-b")},
      {});
  EXPECT_EQ(used, (QuotaUsage{6, 12 * kGi, 0, 2}));
}

TEST(QuotaLedger, AdmitsWithinEveryQuota) {
  const auto quotas = {quota("cpu", {8, std::nullopt, std::nullopt, std::nullopt}),
                       quota("mem", {std::nullopt, 16 * kGi, std::nullopt, 10})};
  EXPECT_FALSE(check_admission("team-a", ask(2, 4), "", quotas, {charge("ns/a", 6, 12)}, {}));
}

TEST(QuotaLedger, DenialNamesQuotaResourceUsedRequestedAndHard) {
  const std::vector<QuotaSnapshot> quotas = {quota("team-a", {32, 16 * kGi, std::nullopt, 10})};
  const auto denial = check_admission("team-a", ask(2, 4), "", quotas, {charge("ns/a", 2, 14)}, {});
  ASSERT_TRUE(denial);
  EXPECT_EQ(denial->resource, "memory");
  EXPECT_EQ(denial->used, 14 * kGi);
  EXPECT_EQ(denial->requested, 4 * kGi);
  EXPECT_EQ(denial->hard, 16 * kGi);
  EXPECT_EQ(denial->message, "quota team-a: memory used 14Gi + requested 4Gi exceeds hard 16Gi");
}

TEST(QuotaLedger, SecondVmWaitsWhenOneUnitLeft) {
  const std::vector<QuotaSnapshot> quotas = {
      quota("q", {std::nullopt, std::nullopt, std::nullopt, 3})};
  std::vector<VmCharge> charges = {charge("ns/a", 1, 1), charge("ns/b", 1, 1)};
  EXPECT_FALSE(check_admission("team-a", ask(1, 1), "", quotas, charges, {}));
  charges.push_back(charge("ns/c", 1, 1));
  const auto denial = check_admission("team-a", ask(1, 1), "", quotas, charges, {});
  ASSERT_TRUE(denial);
  EXPECT_EQ(denial->message, "quota q: vms used 3 + requested 1 exceeds hard 3");
}

TEST(QuotaLedger, OtherTenantsQuotasDoNotApply) {
  const std::vector<QuotaSnapshot> quotas = {quota("b", {0, 0, 0, 0}, "team-b")};
  EXPECT_FALSE(check_admission("team-a", ask(4, 4), "", quotas, {}, {}));
}

TEST(QuotaLedger, HostScopedQuotaCountsAndConstrainsOnlyMatchingHosts) {
  auto scoped = quota("gpu-hosts", {4, std::nullopt, std::nullopt, std::nullopt});
  scoped.host_scope = k8s::Selector::parse("class=gpu").value();
  const HostLabels hosts = {{"hv-gpu", {{"class", "gpu"}}}, {"hv-std", {{"class", "std"}}}};
  const std::vector<VmCharge> charges = {charge("ns/a", 3, 1, "hv-gpu"),
                                         charge("ns/b", 8, 1, "hv-std")};
  EXPECT_EQ(used_by(scoped, charges, hosts).vcpus, 3);
  // Not yet placed, or placed on a host outside the scope: the scoped quota does not constrain.
  EXPECT_FALSE(check_admission("team-a", ask(2, 1), "", {scoped}, charges, hosts));
  EXPECT_FALSE(check_admission("team-a", ask(2, 1), "hv-std", {scoped}, charges, hosts));
  const auto denial = check_admission("team-a", ask(2, 1), "hv-gpu", {scoped}, charges, hosts);
  ASSERT_TRUE(denial);
  EXPECT_EQ(denial->quota, "gpu-hosts");
}

TEST(QuotaLedger, ZeroRequestOfAResourceNeverDenies) {
  const std::vector<QuotaSnapshot> quotas = {quota("q", {std::nullopt, std::nullopt, 0, 5})};
  EXPECT_FALSE(check_admission("team-a", ask(1, 1), "", quotas, {}, {}));
}

}  // namespace
}  // namespace hvo::controllers
