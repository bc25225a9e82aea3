// What a VirtualMachine may hold (vm_holding_policy.h): a VM in a namespace no Tenant claims is
// refused (NoTenant) before it reserves quota or reaches an agent; a VM that fits no host gives
// its quota reservation back after --unschedulable-release-after and takes it again when a host
// fits. The decisions are table-tested; the reconciler tests prove the ledger and the Quota's
// status.used follow.
#include "controllers/vm_holding_policy.h"

#include <gtest/gtest.h>

#include "controllers/conditions.h"
#include "controllers/event_routing.h"
#include "controllers/quota_reconciler.h"
#include "controllers/virtualmachine_reconciler.h"
#include "controllers/vm_assessment.h"
#include "operator/app/options.h"
#include "tests/controllers/reconciler_fixture.h"
#include "tests/runtime/fake_clock.h"

namespace hvo::controllers {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using testing::ReconcilerFixture;

const k8s::Time kNow(k8s::TimePoint(std::chrono::hours(24 * 365 * 56)));

TEST(NoTenantRefusal, UnclaimedNamespaceIsRefusedNamingIt) {
  const auto refusal = no_tenant_refusal("scratch", false, false);
  ASSERT_TRUE(refusal);
  EXPECT_NE(refusal->find("Namespace scratch belongs to no Tenant"), std::string::npos);
}

TEST(NoTenantRefusal, ClaimedNamespaceOrAllowedUnclaimedGoesOn) {
  EXPECT_FALSE(no_tenant_refusal("team-a", true, false));
  EXPECT_FALSE(no_tenant_refusal("scratch", false, true));
}

struct ReleaseCase {
  const char* name;
  std::vector<k8s::Condition> conditions;
  kube::Duration wait;
  bool release;
  std::optional<kube::Duration> remaining;
};

void PrintTo(const ReleaseCase& c, std::ostream* os) {
  *os << c.name;
}

k8s::Condition scheduled(k8s::ConditionStatus status, const char* reason, kube::Duration ago) {
  k8s::Condition condition;
  condition.type = condition_type::kScheduled;
  condition.status = status;
  condition.reason = reason;
  condition.last_transition_time = k8s::Time(kNow.time_point() - ago);
  return condition;
}

class UnschedulableReleaseTable : public ::testing::TestWithParam<ReleaseCase> {};

TEST_P(UnschedulableReleaseTable, Decides) {
  const ReleaseCase& c = GetParam();
  const UnschedulableRelease decision = decide_unschedulable_release(c.conditions, kNow, c.wait);
  EXPECT_EQ(decision.release, c.release);
  EXPECT_EQ(decision.remaining, c.remaining);
}

INSTANTIATE_TEST_SUITE_P(
    Rows, UnschedulableReleaseTable,
    ::testing::Values(
        ReleaseCase{"NotMarkedYetStartsWaitingNow", {}, minutes(5), false, minutes(5)},
        ReleaseCase{"UnschedulableForLessThanTheWait",
                    {scheduled(k8s::ConditionStatus::kFalse, "Unschedulable", minutes(2))},
                    minutes(5),
                    false,
                    minutes(3)},
        ReleaseCase{"UnschedulableForTheWholeWait",
                    {scheduled(k8s::ConditionStatus::kFalse, "Unschedulable", minutes(5))},
                    minutes(5),
                    true,
                    std::nullopt},
        ReleaseCase{"ScheduledFalseForAnotherReasonStartsNow",
                    {scheduled(k8s::ConditionStatus::kUnknown, "NotReached", minutes(50))},
                    minutes(5),
                    false,
                    minutes(5)},
        ReleaseCase{"ZeroWaitNeverReleases",
                    {scheduled(k8s::ConditionStatus::kFalse, "Unschedulable", minutes(500))},
                    kube::Duration::zero(),
                    false,
                    std::nullopt}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(VmHoldingAssessment, NoTenantIsStalledPendingWithoutReservation) {
  VmFacts facts;
  facts.no_tenant = "Namespace scratch belongs to no Tenant.";
  const VmAssessment assessment = assess_vm(facts);
  EXPECT_EQ(assessment.phase, api::VirtualMachinePhase::kPending);
  const auto* ready = k8s::find_condition(assessment.conditions, condition_type::kReady);
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->reason, "NoTenant");
  EXPECT_EQ(ready->message, *facts.no_tenant);
  EXPECT_TRUE(k8s::is_true(assessment.conditions, condition_type::kStalled));
  EXPECT_FALSE(k8s::is_true(assessment.conditions, condition_type::kQuotaReserved));
}

TEST(VmHoldingAssessment, ReleasedWhileUnschedulableSaysBoth) {
  VmFacts facts;
  facts.unschedulable = "0/1 hosts fit: 1 lacks image nope";
  facts.released_unschedulable = released_while_unschedulable_message(minutes(5));
  const VmAssessment assessment = assess_vm(facts);
  EXPECT_EQ(assessment.phase, api::VirtualMachinePhase::kScheduling);
  const auto* reserved = k8s::find_condition(assessment.conditions, condition_type::kQuotaReserved);
  ASSERT_NE(reserved, nullptr);
  EXPECT_EQ(reserved->status, k8s::ConditionStatus::kFalse);
  EXPECT_EQ(reserved->reason, kReleasedUnschedulable);
  EXPECT_NE(reserved->message.find("for 5 minutes"), std::string::npos) << reserved->message;
  const auto* ready = k8s::find_condition(assessment.conditions, condition_type::kReady);
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->reason, "Unschedulable");
  EXPECT_TRUE(released_while_unschedulable(assessment.conditions));
}

class VmHoldingReconcilerTest : public ReconcilerFixture {
 protected:
  static VmReconcilerOptions options(bool allow_unclaimed) {
    VmReconcilerOptions options;
    options.allow_unclaimed_namespaces = allow_unclaimed;
    options.unschedulable_release_after = minutes(5);
    return options;
  }
  kube::ReconcileResult reconcile(VirtualMachineReconciler& reconciler, const std::string& name) {
    auto result = reconciler.reconcile(kube::Request{"team-a", name});
    EXPECT_TRUE(result.ok()) << result.error().message();
    return result.ok() ? *result : kube::ReconcileResult::done();
  }
  std::string ready_reason(const std::string& name) {
    return condition_field(vm(name), "Ready", "reason");
  }
  QuotaUsage team_a_reserved() {
    return ledger.reserved({"team-a"}, [](const std::string&) { return true; });
  }
  int agent_calls() {
    int calls = 0;
    for (const auto& entry : connector.agents)
      calls += entry.second->calls;
    return calls;
  }

  kube::testing::FakeClock clock;
  VirtualMachineReconciler strict{{vms, hosts, tenants, quotas},
                                  cluster,
                                  secrets,
                                  vm_agents(),
                                  events,
                                  ledger,
                                  options(false),
                                  clock};
};

TEST_F(VmHoldingReconcilerTest, VmInUnclaimedNamespaceIsRefusedAndHoldsNothing) {
  add_host("hv-01");
  add_vm("stray", [](nlohmann::json& spec) {
    spec["cloudInit"] = {{"userDataSecretRef", {{"name", "seed"}, {"key", "userData"}}}};
  });
  const int secret_reads = secrets.reads;

  const auto result = reconcile(strict, "stray");

  EXPECT_EQ(ready_reason("stray"), "NoTenant");
  EXPECT_NE(condition_field(vm("stray"), "Ready", "message").find("Namespace team-a"),
            std::string::npos);
  EXPECT_EQ(condition_field(vm("stray"), "Stalled", "status"), "True");
  EXPECT_NE(condition_field(vm("stray"), "QuotaReserved", "status"), "True");
  EXPECT_EQ(vm("stray")["status"].value("host", std::string()), "");
  EXPECT_FALSE(vm("stray")["status"].contains("allocated"));
  EXPECT_EQ(agent_calls(), 0);
  EXPECT_EQ(secrets.reads, secret_reads);
  EXPECT_EQ(team_a_reserved().vms, 0);
  // No retry on a timer: a Tenant claiming the namespace wakes it.
  EXPECT_FALSE(result.requeue);
  EXPECT_EQ(result.requeue_after, kube::Duration::zero());

  // Claimed by a Tenant (and its user data written): the same VM goes on.
  add_tenant("team-a", {{"namespaces", {"team-a"}}});
  cluster.put(kSecrets, {{"metadata", {{"name", "seed"}, {"namespace", "team-a"}}},
                         {"data", {{"userData", "I2Nsb3VkLWNvbmZpZw=="}}}});
  reconcile(strict, "stray");
  EXPECT_NE(ready_reason("stray"), "NoTenant");
  EXPECT_EQ(vm("stray")["status"].value("host", std::string()), "hv-01");
}

TEST_F(VmHoldingReconcilerTest, AllowUnclaimedNamespacesRunsVmsWithoutTenant) {
  add_host("hv-01");
  add_vm("legacy");
  VirtualMachineReconciler lenient{{vms, hosts, tenants, quotas},
                                   cluster,
                                   secrets,
                                   vm_agents(),
                                   events,
                                   ledger,
                                   options(true),
                                   clock};

  reconcile(lenient, "legacy");

  EXPECT_NE(ready_reason("legacy"), "NoTenant");
  EXPECT_EQ(vm("legacy")["status"].value("host", std::string()), "hv-01");
  EXPECT_GT(agent_calls(), 0);
}

TEST_F(VmHoldingReconcilerTest, UnschedulableVmGivesItsReservationBackAndTakesItAgain) {
  add_tenant("team-a", {{"namespaces", {"team-a"}}});
  add_quota("team-a", "team-a", {{"vcpus", 8}, {"vms", 4}});
  add_host("hv-01");
  add_vm("typo", [](nlohmann::json& spec) { spec["image"] = "ubuntu-24.4"; });
  QuotaReconciler quota_reconciler{{quotas, vms, tenants, hosts, ledger}, cluster};
  const auto quota_used_vcpus = [&] {
    EXPECT_TRUE(quota_reconciler.reconcile(kube::Request{"", "team-a"}).ok());
    return cluster.object(kQuotas, "", "team-a")["status"]["used"].value("vcpus", -1);
  };

  // Unschedulable but still holding its reservation during the wait.
  auto waiting = reconcile(strict, "typo");
  EXPECT_EQ(ready_reason("typo"), "Unschedulable");
  EXPECT_EQ(condition_field(vm("typo"), "QuotaReserved", "status"), "True");
  EXPECT_EQ(team_a_reserved().vcpus, 2);
  EXPECT_EQ(quota_used_vcpus(), 2);
  EXPECT_GT(waiting.requeue_after, kube::Duration::zero());
  EXPECT_LE(waiting.requeue_after, minutes(5));

  // Past the wait: given back; Quota.status.used drops.
  clock.advance(minutes(5) + seconds(1));
  reconcile(strict, "typo");
  EXPECT_EQ(ready_reason("typo"), "Unschedulable");
  EXPECT_EQ(condition_field(vm("typo"), "QuotaReserved", "reason"), kReleasedUnschedulable);
  EXPECT_FALSE(vm("typo")["status"].contains("allocated"));
  EXPECT_EQ(team_a_reserved().vcpus, 0);
  EXPECT_EQ(quota_used_vcpus(), 0);

  // Still no host: it does not reserve again.
  reconcile(strict, "typo");
  EXPECT_EQ(condition_field(vm("typo"), "QuotaReserved", "reason"), kReleasedUnschedulable);
  EXPECT_EQ(team_a_reserved().vcpus, 0);
  EXPECT_EQ(agent_calls(), 0);

  // The image appears on the host: reserved again and placed.
  auto host = cluster.object(kHyperVHosts, "", "hv-01");
  host["status"]["images"].push_back({{"name", "ubuntu-24.4"}});
  cluster.put(kHyperVHosts, host);
  reconcile(strict, "typo");
  EXPECT_EQ(condition_field(vm("typo"), "QuotaReserved", "status"), "True");
  EXPECT_EQ(vm("typo")["status"].value("host", std::string()), "hv-01");
  EXPECT_EQ(team_a_reserved().vcpus, 2);
  EXPECT_EQ(quota_used_vcpus(), 2);
}

TEST(VmHoldingFlags, DefaultsRefuseUnclaimedNamespacesAndReleaseAfterFiveMinutes) {
  const auto no_env = [](const std::string&) { return std::optional<std::string>(); };
  auto defaults = operator_app::parse_options({}, no_env);
  ASSERT_TRUE(defaults.ok());
  EXPECT_FALSE(defaults->allow_unclaimed_namespaces);
  EXPECT_EQ(defaults->unschedulable_release_after, minutes(5));

  auto set = operator_app::parse_options(
      {"--allow-unclaimed-namespaces", "--unschedulable-release-after", "90s"}, no_env);
  ASSERT_TRUE(set.ok()) << set.error().message();
  EXPECT_TRUE(set->allow_unclaimed_namespaces);
  EXPECT_EQ(set->unschedulable_release_after, seconds(90));
  auto never = operator_app::parse_options({"--unschedulable-release-after=0"}, no_env);
  ASSERT_TRUE(never.ok());
  EXPECT_EQ(never->unschedulable_release_after, std::chrono::milliseconds(0));

  const std::vector<std::pair<std::string, std::string>> errors = {
      {"--unschedulable-release-after=soon",
       "--unschedulable-release-after: \"soon\" is not a duration such as 0, 90s or 5m"},
      {"--allow-unclaimed-namespaces=maybe",
       "--allow-unclaimed-namespaces: expects true or false, got \"maybe\""},
  };
  for (const auto& [flag, message] : errors) {
    auto refused = operator_app::parse_options({flag}, no_env);
    ASSERT_FALSE(refused.ok()) << flag;
    EXPECT_EQ(refused.error().message(), message);
  }
}

TEST_F(VmHoldingReconcilerTest, DeletingItsTenantWakesAVmThatThenReadsNoTenant) {
  add_tenant("team-a", {{"namespaces", {"team-a"}}});
  add_host("hv-01");
  add_vm("web-1");
  reconcile(strict, "web-1");
  ASSERT_EQ(ready_reason("web-1"), "Running");
  std::vector<std::string> woken;
  const kube::EventHandlers handlers = tenant_events(
      {vms, hosts, tenants, quotas},
      {[&](const std::string& key) { woken.push_back(key); }, [](const std::string&) {},
       [](const std::string&) {}, [](const std::string&) {}});

  const auto tenant = cluster.object(kTenants, "", "team-a");
  ASSERT_TRUE(cluster.remove(kTenants, "", "team-a").ok());
  handlers.on_delete(tenant);  // as the informer calls it, after its store dropped the object

  EXPECT_EQ(woken, std::vector<std::string>{"team-a/web-1"});
  reconcile(strict, "web-1");
  EXPECT_EQ(ready_reason("web-1"), "NoTenant");
  // It exists on its host: it keeps what it holds until it is deleted or claimed again.
  EXPECT_EQ(condition_field(vm("web-1"), "QuotaReserved", "status"), "True");
  EXPECT_EQ(vm("web-1")["status"].value("host", std::string()), "hv-01");
}

}  // namespace
}  // namespace hvo::controllers
