// The pure decisions of a live migration: whether the VM may move, which host it moves to (the
// scheduler's rules, the source and targetSelector left out, anti-affinity kept), and what the
// agent's operation means.
#include "controllers/migration_plan.h"

#include <gtest/gtest.h>

#include <functional>

#include "controllers/reservation_ledger.h"

namespace hvo::controllers {
namespace {

api::VirtualMachine running_vm() {
  auto vm = api::VirtualMachine::from_json(k8s::Json::parse(R"({
    "apiVersion": "hyperv.operator.io/v1alpha1", "kind": "VirtualMachine",
    "metadata": {"name": "web-1", "namespace": "t1", "uid": "u-1"},
    "spec": {"cpu": {"count": 2}, "memory": {"startup": "2Gi"}, "image": "rocky-9"},
    "status": {"phase": "Running", "host": "hv-01", "vmId": "id-1"}})"));
  EXPECT_TRUE(vm.ok());
  return *vm;
}

struct RefusalCase {
  const char* name;
  std::function<void(api::VirtualMachine&)> change;
  const char* reason;  // "" : may move
};

void PrintTo(const RefusalCase& c, std::ostream* os) {
  *os << c.name;
}

class MigrationRefusalTest : public ::testing::TestWithParam<RefusalCase> {};

TEST_P(MigrationRefusalTest, SaysWhyTheVmCannotMoveNow) {
  api::VirtualMachine vm = running_vm();
  GetParam().change(vm);
  const auto refusal = migration_refusal("move-1", &vm);
  if (std::string(GetParam().reason).empty()) {
    EXPECT_FALSE(refusal.has_value()) << refusal->message;
    return;
  }
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->reason, GetParam().reason) << refusal->message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, MigrationRefusalTest,
    ::testing::Values(
        RefusalCase{"RunningVmMayMove", [](api::VirtualMachine&) {}, ""},
        RefusalCase{
            "StoppedVm",
            [](api::VirtualMachine& vm) { vm.status.phase = api::VirtualMachinePhase::kStopped; },
            "VmNotRunning"},
        RefusalCase{"NotYetPlaced", [](api::VirtualMachine& vm) { vm.status.host.clear(); },
                    "VmNotRunning"},
        RefusalCase{"PinnedVm", [](api::VirtualMachine& vm) { vm.spec.placement.host = "hv-01"; },
                    "VmPinned"},
        RefusalCase{"MovingUnderAnotherMigration",
                    [](api::VirtualMachine& vm) {
                      vm.status.phase = api::VirtualMachinePhase::kMigrating;
                      vm.status.migration =
                          api::VmMigrationRef{"other", api::MigrationPhase::kRunning, "hv-02"};
                    },
                    "AlreadyMigrating"},
        RefusalCase{"AnEarlierFinishedMigrationDoesNotBlock",
                    [](api::VirtualMachine& vm) {
                      vm.status.migration =
                          api::VmMigrationRef{"old", api::MigrationPhase::kSucceeded, "hv-01"};
                    },
                    ""},
        RefusalCase{"BeingDeleted",
                    [](api::VirtualMachine& vm) {
                      vm.metadata.deletion_timestamp =
                          k8s::Time::parse("2026-12-07T10:00:00Z").value();
                    },
                    "VmDeleting"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(MigrationRefusal, MissingVmIsNotFound) {
  EXPECT_EQ(migration_refusal("move-1", nullptr)->reason, "VmNotFound");
}

HostSnapshot host(const std::string& name, const std::string& rack, int64_t free_memory_gib) {
  HostSnapshot h;
  h.name = name;
  h.labels = {{"rack", rack}};
  h.ready = true;
  h.images = {"rocky-9"};
  h.switches = {"external"};
  h.allocatable.cpu = 32;
  h.allocatable.memory = 64LL << 30;
  h.allocatable.storage = 1LL << 40;
  h.allocated.memory = (64LL - free_memory_gib) << 30;
  return h;
}

PlacementRequest two_gib(const std::string& group = "") {
  PlacementRequest r;
  r.requested.cpu = 2;
  r.requested.memory = 2LL << 30;
  r.image = "rocky-9";
  r.strategy = PlacementStrategy::kSpread;
  r.anti_affinity_group = group;
  return r;
}

TEST(ChooseTarget, NeverPicksTheSourceEvenWhenItIsTheEmptiest) {
  const auto choice = choose_target(two_gib(), {host("hv-01", "a", 60), host("hv-02", "a", 10)},
                                    "hv-01", "", k8s::Selector::everything());
  ASSERT_TRUE(choice.host.has_value()) << choice.message;
  EXPECT_EQ(*choice.host, "hv-02");
}

TEST(ChooseTarget, TargetSelectorLeavesHostsOutAndSaysHowMany) {
  auto selector = k8s::Selector::parse("rack=b");
  ASSERT_TRUE(selector.ok());
  const auto choice = choose_target(
      two_gib(), {host("hv-01", "a", 60), host("hv-02", "a", 50), host("hv-03", "b", 1)}, "hv-01",
      "", *selector);
  EXPECT_FALSE(choice.host.has_value());
  EXPECT_NE(choice.message.find("1 host left out by targetSelector"), std::string::npos)
      << choice.message;
  EXPECT_NE(choice.message.find("memory"), std::string::npos) << choice.message;
}

TEST(ChooseTarget, TargetHostIsPinnedAndTheSourceIsRefused) {
  const std::vector<HostSnapshot> hosts = {host("hv-01", "a", 60), host("hv-02", "a", 50),
                                           host("hv-03", "a", 40)};
  const auto pinned =
      choose_target(two_gib(), hosts, "hv-01", "hv-03", k8s::Selector::everything());
  ASSERT_TRUE(pinned.host.has_value()) << pinned.message;
  EXPECT_EQ(*pinned.host, "hv-03");
  const auto self = choose_target(two_gib(), hosts, "hv-01", "hv-01", k8s::Selector::everything());
  EXPECT_FALSE(self.host.has_value());
  EXPECT_NE(self.message.find("already runs on hv-01"), std::string::npos);
}

TEST(ChooseTarget, KeepsTheAntiAffinityGroupApart) {
  std::vector<HostSnapshot> hosts = {host("hv-01", "a", 60), host("hv-02", "a", 60),
                                     host("hv-03", "a", 10)};
  hosts[1].anti_affinity_groups = {"db"};
  const auto choice = choose_target(two_gib("db"), hosts, "hv-01", "", k8s::Selector::everything());
  ASSERT_TRUE(choice.host.has_value()) << choice.message;
  EXPECT_EQ(*choice.host, "hv-03");
  const auto onto_peer =
      choose_target(two_gib("db"), hosts, "hv-01", "hv-02", k8s::Selector::everything());
  EXPECT_FALSE(onto_peer.host.has_value());
  EXPECT_NE(onto_peer.message.find("anti-affinity group db"), std::string::npos)
      << onto_peer.message;
}

TEST(ChooseTarget, OnlyTheSourceLeftSaysSo) {
  const auto choice =
      choose_target(two_gib(), {host("hv-01", "a", 60)}, "hv-01", "", k8s::Selector::everything());
  EXPECT_FALSE(choice.host.has_value());
  EXPECT_EQ(choice.message, "no host other than hv-01 to move to");
}

TEST(MoveOutcome, FollowsTheOperationState) {
  agent::Operation op;
  op.state = agent::OperationState::kPending;
  EXPECT_EQ(move_outcome(op), MoveOutcome::kRunning);
  op.state = agent::OperationState::kRunning;
  EXPECT_EQ(move_outcome(op), MoveOutcome::kRunning);
  op.state = agent::OperationState::kSucceeded;
  EXPECT_EQ(move_outcome(op), MoveOutcome::kSucceeded);
  op.state = agent::OperationState::kFailed;
  EXPECT_EQ(move_outcome(op), MoveOutcome::kFailed);
}

k8s::Json held_vm(const std::string& migration_phase) {
  auto json = k8s::Json::parse(R"({
    "metadata": {"name": "db-1", "namespace": "t1"},
    "spec": {"placement": {"antiAffinityGroup": "db"}},
    "status": {"host": "hv-01", "allocated": {"cpu": 2, "memory": "2Gi", "storage": "10Gi"},
               "conditions": [{"type": "QuotaReserved", "status": "True"},
                              {"type": "Provisioned", "status": "True"}]}})");
  json["status"]["migration"] = {
      {"name", "m"}, {"phase", migration_phase}, {"targetHost", "hv-02"}};
  return json;
}

TEST(MigrationHold, TargetHoldsTheVmWhileItMovesAndQuotaCountsItOnce) {
  for (const char* phase : {"Scheduling", "Running"}) {
    ReservationLedger ledger;
    ledger.expect("t1/db-1", vm_holding(held_vm(phase)));
    EXPECT_EQ(ledger.allocated("hv-01").memory, 2LL << 30) << phase;
    EXPECT_EQ(ledger.allocated("hv-02").memory, 2LL << 30) << phase;
    EXPECT_TRUE(ledger.runs_group("hv-02", "db")) << phase;
    const auto used = ledger.reserved({"t1"}, [](const std::string&) { return true; });
    EXPECT_EQ(used.memory, 2LL << 30) << phase;  // once, not twice
  }
  for (const char* phase : {"Succeeded", "Failed", "Pending"}) {
    ReservationLedger ledger;
    ledger.expect("t1/db-1", vm_holding(held_vm(phase)));
    EXPECT_EQ(ledger.allocated("hv-02").memory, 0) << phase;
    EXPECT_FALSE(ledger.runs_group("hv-02", "db")) << phase;
  }
}

}  // namespace
}  // namespace hvo::controllers
