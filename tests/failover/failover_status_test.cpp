// What a VM's status says around a failover (failover_status.h), the API fields that carry it
// (spec.availability, HyperVHost spec.fenced, status.staleCopies), and the wake-ups that route a
// host's change to the VMs it concerns (failover_routing.h).
#include "controllers/failover_status.h"

#include <gtest/gtest.h>

#include <chrono>

#include "api/k8s/duration.h"
#include "api/v1alpha1/hyperv_host_types.h"
#include "api/v1alpha1/validation.h"
#include "controllers/conditions.h"
#include "controllers/failover_planner.h"
#include "controllers/failover_routing.h"

namespace hvo::controllers {
namespace {

using k8s::Json;
using std::chrono::milliseconds;

k8s::Condition host_lost(bool status, const char* reason) {
  return make_condition(condition_type::kHostLost, status, reason, "m", 1);
}

api::StaleCopy copy_on(const char* host, const char* vm_id = "id-1") {
  api::StaleCopy copy;
  copy.host = host;
  copy.vm_id = vm_id;
  return copy;
}

TEST(HostLostCondition, AbsentWhenTheHostWasNeverLost) {
  EXPECT_FALSE(next_host_lost({}, std::nullopt, {}, 1).has_value());
}

TEST(HostLostCondition, TheLostHostsReasonIsSetAsIs) {
  const auto next = next_host_lost({}, host_lost(true, host_lost_reason::kAwaitingFencing), {}, 3);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->status, k8s::ConditionStatus::kTrue);
  EXPECT_EQ(next->reason, "AwaitingFencing");
  EXPECT_EQ(next->observed_generation, 3);
}

TEST(HostLostCondition, FailedOverStaysTrueWhileAStaleCopyRemains) {
  const std::vector<k8s::Condition> current{host_lost(true, host_lost_reason::kFailedOver)};
  EXPECT_FALSE(next_host_lost(current, std::nullopt, {copy_on("hv-01")}, 1).has_value());
}

TEST(HostLostCondition, TurnsFalseOnceTheStaleCopiesAreRemoved) {
  const std::vector<k8s::Condition> current{host_lost(true, host_lost_reason::kFailedOver)};
  const auto next = next_host_lost(current, std::nullopt, {}, 1);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->status, k8s::ConditionStatus::kFalse);
  EXPECT_EQ(next->reason, "StaleCopiesRemoved");
}

TEST(HostLostCondition, TurnsFalseWhenTheHostAnswersAgain) {
  const std::vector<k8s::Condition> current{host_lost(true, host_lost_reason::kNotOptedIn)};
  const auto next = next_host_lost(current, std::nullopt, {}, 1);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->status, k8s::ConditionStatus::kFalse);
  EXPECT_EQ(next->reason, "HostRecovered");
}

TEST(HostLostCondition, AFalseConditionIsLeftAlone) {
  const std::vector<k8s::Condition> current{
      host_lost(false, host_lost_reason::kStaleCopiesRemoved)};
  EXPECT_FALSE(next_host_lost(current, std::nullopt, {}, 1).has_value());
}

TEST(StaleCopies, OneEntryPerHostTheNewestKept) {
  std::vector<api::StaleCopy> copies;
  record_stale_copy(copies, copy_on("hv-01", "a"));
  record_stale_copy(copies, copy_on("hv-02", "b"));
  record_stale_copy(copies, copy_on("hv-01", "c"));
  ASSERT_EQ(copies.size(), 2u);
  EXPECT_EQ(copies[0].host, "hv-01");
  EXPECT_EQ(copies[0].vm_id, "c");
  EXPECT_EQ(copies[1].host, "hv-02");
}

TEST(FailoverMessage, NamesBothHosts) {
  const std::string message = failover_message("hv-01", "hv-02", "Host hv-01 was lost.");
  EXPECT_NE(message.find("from host hv-01 to host hv-02"), std::string::npos) << message;
  EXPECT_NE(message.find("never started"), std::string::npos) << message;
}

// ---- Durations (metav1.Duration text) ----

TEST(Duration, ParsesGoDurations) {
  EXPECT_EQ(k8s::parse_duration("0"), milliseconds(0));
  EXPECT_EQ(k8s::parse_duration("90s"), milliseconds(90000));
  EXPECT_EQ(k8s::parse_duration("5m"), milliseconds(300000));
  EXPECT_EQ(k8s::parse_duration("1h30m"), milliseconds(5400000));
  EXPECT_EQ(k8s::parse_duration("1.5h"), milliseconds(5400000));
  EXPECT_EQ(k8s::parse_duration("250ms"), milliseconds(250));
  EXPECT_EQ(k8s::parse_duration("2m3s500ms"), milliseconds(123500));
}

TEST(Duration, RefusesWhatIsNotOne) {
  for (const char* text : {"", "5", "m", "5 m", "-5m", "+5m", "5d", "5mm", ".s", "1e3s", "5m "})
    EXPECT_FALSE(k8s::parse_duration(text).has_value()) << text;
  EXPECT_FALSE(k8s::parse_duration("9999999999999h").has_value());
}

// ---- API ----

Json vm_json(const Json& availability) {
  Json vm = {
      {"apiVersion", "hyperv.operator.io/v1alpha1"},
      {"kind", "VirtualMachine"},
      {"metadata", {{"name", "web-1"}, {"namespace", "t1"}}},
      {"spec",
       {{"cpu", {{"count", 2}}}, {"memory", {{"startup", "2Gi"}}}, {"image", "ubuntu-24.04"}}}};
  if (!availability.is_null())
    vm["spec"]["availability"] = availability;
  return vm;
}

TEST(AvailabilityApi, DecodesWithDefaultsAndWritesBackOnlyWhatWasThere) {
  auto vm = api::VirtualMachine::from_json(vm_json({{"restartOnHostFailure", true}}));
  ASSERT_TRUE(vm.ok()) << vm.error().message();
  ASSERT_TRUE(vm->spec.availability.has_value());
  EXPECT_TRUE(vm->spec.availability->restart_on_host_failure);
  EXPECT_EQ(vm->spec.availability->host_failure_timeout, "5m");
  EXPECT_EQ(vm->to_json()["spec"]["availability"], Json({{"restartOnHostFailure", true}}));

  auto plain = api::VirtualMachine::from_json(vm_json(nullptr));
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->spec.availability.has_value());
  EXPECT_FALSE(plain->to_json()["spec"].contains("availability"));
}

TEST(AvailabilityApi, ValidationNamesABadTimeout) {
  for (const char* bad : {"five minutes", "200h"}) {
    auto vm = api::VirtualMachine::from_json(
        vm_json({{"restartOnHostFailure", true}, {"hostFailureTimeout", bad}}));
    ASSERT_TRUE(vm.ok());
    const auto errors = api::validate(*vm);
    ASSERT_EQ(errors.size(), 1u) << bad;
    EXPECT_EQ(errors[0].field, "spec.availability.hostFailureTimeout");
  }
  auto good = api::VirtualMachine::from_json(
      vm_json({{"restartOnHostFailure", true}, {"hostFailureTimeout", "2s"}}));
  ASSERT_TRUE(good.ok());
  EXPECT_TRUE(api::validate(*good).empty());
}

TEST(StaleCopiesApi, RoundTripsByHost) {
  Json vm = vm_json(nullptr);
  vm["status"] = {{"host", "hv-02"},
                  {"staleCopies", Json::array({{{"host", "hv-01"},
                                                {"vmId", "abc"},
                                                {"since", "2026-12-07T23:00:00Z"},
                                                {"futureField", 1}}})}};
  auto decoded = api::VirtualMachine::from_json(vm);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message();
  ASSERT_EQ(decoded->status.stale_copies.size(), 1u);
  EXPECT_EQ(decoded->status.stale_copies[0].host, "hv-01");
  EXPECT_EQ(decoded->status.stale_copies[0].vm_id, "abc");
  EXPECT_EQ(decoded->to_json()["status"]["staleCopies"], vm["status"]["staleCopies"]);
  decoded->status.stale_copies.clear();
  EXPECT_FALSE(decoded->to_json()["status"].contains("staleCopies"));
}

TEST(FencedApi, DecodesAndWritesBackOnlyWhenSet) {
  Json host = {{"apiVersion", "hyperv.operator.io/v1alpha1"},
               {"kind", "HyperVHost"},
               {"metadata", {{"name", "hv-01"}}},
               {"spec",
                {{"address", "https://hv-01:9443"},
                 {"credentialsSecretRef", {{"name", "hv-01"}, {"namespace", "hyperv-system"}}}}}};
  auto plain = api::HyperVHost::from_json(host);
  ASSERT_TRUE(plain.ok()) << plain.error().message();
  EXPECT_FALSE(plain->spec.fenced);
  EXPECT_FALSE(plain->to_json()["spec"].contains("fenced"));
  host["spec"]["fenced"] = true;
  auto fenced = api::HyperVHost::from_json(host);
  ASSERT_TRUE(fenced.ok());
  EXPECT_TRUE(fenced->spec.fenced);
  EXPECT_EQ(fenced->to_json()["spec"]["fenced"], true);
}

// ---- Wake-ups ----

TEST(FailoverRouting, IndexesVmsByTheHostsOfTheirStaleCopies) {
  const auto index = index_by_stale_copy_host();
  Json vm = {{"status",
              {{"staleCopies",
                Json::array({{{"host", "hv-01"}}, {{"host", "hv-03"}}, {{"vmId", "x"}}})}}}};
  EXPECT_EQ(index(vm), (std::vector<std::string>{"hv-01", "hv-03"}));
  EXPECT_TRUE(index(Json{{"status", {{"host", "hv-01"}}}}).empty());
  EXPECT_TRUE(index(Json{{"status", {{"staleCopies", "bogus"}}}}).empty());
}

TEST(FailoverRouting, SeesFencingFlip) {
  const Json unfenced = {{"spec", {{"address", "a"}}}};
  const Json fenced = {{"spec", {{"address", "a"}, {"fenced", true}}}};
  const Json unfenced_explicit = {{"spec", {{"address", "a"}, {"fenced", false}}}};
  EXPECT_TRUE(host_fencing_changed(unfenced, fenced));
  EXPECT_TRUE(host_fencing_changed(fenced, unfenced_explicit));
  EXPECT_FALSE(host_fencing_changed(unfenced, unfenced_explicit));
  EXPECT_FALSE(host_fencing_changed(fenced, fenced));
}

}  // namespace
}  // namespace hvo::controllers
