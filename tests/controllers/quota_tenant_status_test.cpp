// Quota status from what the tenant's VMs hold (the reservation ledger's tally); Tenant manifests
// (namespace, admin RoleBinding) and status.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "controllers/api_conversions.h"
#include "controllers/conditions.h"
#include "controllers/quota_status.h"
#include "controllers/tenant_desired.h"

namespace hvo::controllers {
namespace {

constexpr std::int64_t kGi = 1LL << 30;
const k8s::Time kNow(k8s::TimePoint(std::chrono::seconds(5000)));

api::Quota quota(const std::string& hard_json) {
  auto quota = api::Quota::from_json(nlohmann::json::parse(
      R"({"apiVersion": "hyperv.operator.io/v1alpha1", "kind": "Quota",
          "metadata": {"name": "team-a", "generation": 3},
          "spec": {"tenant": "team-a", "hard": )" +
      hard_json + "}}"));
  EXPECT_TRUE(quota.ok()) << quota.error().message();
  return std::move(quota).value();
}

// `vms` VMs of `vcpus` and `memory_gi` in all.
QuotaUsage usage(std::int64_t vcpus, std::int64_t memory_gi, std::int64_t vms) {
  return QuotaUsage{vcpus, memory_gi * kGi, 0, vms};
}

TEST(QuotaStatus, UsedIsWhatTheVmsHoldAndReservedIsTheUnprovisionedPart) {
  api::Quota q = quota(R"({"vcpus": 16, "memory": "32Gi", "vms": 10})");
  const ReservedTally held{usage(6, 12, 2), usage(2, 4, 1)};

  const bool changed = update_quota_status(q, quota_snapshot(q), held, kNow);

  EXPECT_TRUE(changed);
  ASSERT_TRUE(q.status.used && q.status.reserved);
  EXPECT_EQ(q.status.used->vcpus, 6);
  EXPECT_EQ(q.status.used->memory->value(), 12 * kGi);
  EXPECT_EQ(q.status.used->vms, 2);
  EXPECT_EQ(q.status.reserved->vcpus, 2);
  EXPECT_EQ(q.status.reserved->vms, 1);
  EXPECT_EQ(q.status.observed_generation, 3);
  const auto* ready = k8s::find_condition(q.status.conditions, condition_type::kReady);
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->reason, "WithinLimit");
  EXPECT_EQ(ready->message, "vcpus 6/16, memory 12Gi/32Gi, storage 0 (no limit), vms 2/10.");
}

TEST(QuotaStatus, RecomputingTheSameTallyChangesNothing) {
  api::Quota q = quota(R"({"vcpus": 16})");
  const ReservedTally held{usage(4, 8, 1), {}};
  ASSERT_TRUE(update_quota_status(q, quota_snapshot(q), held, kNow));

  EXPECT_FALSE(update_quota_status(q, quota_snapshot(q), held, kNow));
}

TEST(QuotaStatus, LoweredBelowUseSaysSo) {
  api::Quota q = quota(R"({"vcpus": 4})");
  update_quota_status(q, quota_snapshot(q), ReservedTally{usage(6, 8, 1), {}}, kNow);

  const auto* ready = k8s::find_condition(q.status.conditions, condition_type::kReady);
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->reason, "OverLimit");
}

TEST(QuotaStatus, UnusableHostSelectorIsInvalidSpec) {
  api::Quota q = quota(R"({"vcpus": 4})");
  const Result<QuotaSnapshot> broken =
      Error(ErrorCode::kInvalidArgument, "quota team-a spec.hostSelector: bad operator");

  update_quota_status(q, broken, {}, kNow);

  const auto* ready = k8s::find_condition(q.status.conditions, condition_type::kReady);
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->status, k8s::ConditionStatus::kFalse);
  EXPECT_EQ(ready->reason, "InvalidSpec");
}

api::Tenant tenant() {
  auto tenant = api::Tenant::from_json(nlohmann::json::parse(R"({
    "apiVersion": "hyperv.operator.io/v1alpha1", "kind": "Tenant",
    "metadata": {"name": "team-a", "uid": "t-1", "generation": 1},
    "spec": {"namespaces": ["team-a", "team-a-dev"],
             "admins": {"users": ["alice"], "groups": ["team-a-admins"]}}
  })"));
  EXPECT_TRUE(tenant.ok()) << tenant.error().message();
  return std::move(tenant).value();
}

TEST(TenantDesired, NamespaceCarriesTheTenantLabel) {
  const auto ns = desired_namespace(tenant(), "team-a-dev");
  EXPECT_EQ(ns["metadata"]["name"], "team-a-dev");
  EXPECT_EQ(ns["metadata"]["labels"][kTenantLabel], "team-a");
  EXPECT_TRUE(namespace_labelled_for(ns, tenant()));
  EXPECT_FALSE(namespace_labelled_for(nlohmann::json{{"metadata", {{"name", "x"}}}}, tenant()));
}

TEST(TenantDesired, RoleBindingBindsAdminsToTheClusterRoleOwnedByTheTenant) {
  const auto binding =
      desired_admin_role_binding(tenant(), "team-a", kDefaultTenantAdminClusterRole);

  EXPECT_EQ(binding["metadata"]["namespace"], "team-a");
  EXPECT_EQ(binding["roleRef"]["kind"], "ClusterRole");
  EXPECT_EQ(binding["roleRef"]["name"], "hyperv-operator-tenant-admin");
  ASSERT_EQ(binding["subjects"].size(), 2u);
  EXPECT_EQ(binding["subjects"][0]["kind"], "User");
  EXPECT_EQ(binding["subjects"][0]["name"], "alice");
  EXPECT_EQ(binding["subjects"][1]["kind"], "Group");
  const auto& owner = binding["metadata"]["ownerReferences"][0];
  EXPECT_EQ(owner["kind"], "Tenant");
  EXPECT_EQ(owner["uid"], "t-1");
  EXPECT_EQ(owner["controller"], true);
}

TEST(TenantDesired, BindingWithOtherSubjectsDoesNotMatch) {
  const auto desired = desired_admin_role_binding(tenant(), "team-a", "role");
  nlohmann::json existing = desired;
  EXPECT_TRUE(role_binding_matches(existing, desired));
  existing["subjects"].erase(0);
  EXPECT_FALSE(role_binding_matches(existing, desired));
}

TEST(TenantDesired, NamespaceBelongsToTheTenantListingIt) {
  api::Tenant other = tenant();
  other.metadata.name = "team-b";
  other.spec.namespaces = {"team-b"};
  const std::vector<api::Tenant> tenants = {other, tenant()};

  const api::Tenant* owner = tenant_of_namespace("team-a-dev", tenants);
  ASSERT_NE(owner, nullptr);
  EXPECT_EQ(owner->metadata.name, "team-a");
  EXPECT_EQ(tenant_of_namespace("default", tenants), nullptr);
}

TEST(TenantStatus, ReadyOnlyWhenEveryNamespaceIs) {
  api::Tenant t = tenant();
  const QuotaUsage held = usage(4, 8, 1);

  EXPECT_TRUE(update_tenant_status(t, {"team-a"}, held, kNow));
  const auto* ready = k8s::find_condition(t.status.conditions, condition_type::kReady);
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->status, k8s::ConditionStatus::kFalse);
  EXPECT_EQ(ready->message, "Not yet labelled and bound: team-a-dev.");
  ASSERT_TRUE(t.status.usage);
  EXPECT_EQ(t.status.usage->vcpus, 4);

  EXPECT_TRUE(update_tenant_status(t, {"team-a", "team-a-dev"}, held, kNow));
  EXPECT_TRUE(k8s::is_true(t.status.conditions, condition_type::kReady));
  EXPECT_FALSE(update_tenant_status(t, {"team-a", "team-a-dev"}, held, kNow));
}

}  // namespace
}  // namespace hvo::controllers
