// VM phase and conditions from the facts of one reconcile pass, including the kstatus pair
// (Reconciling while under way, Stalled with Ready's reason and message when a person must act).
#include "controllers/vm_assessment.h"

#include <gtest/gtest.h>

#include "controllers/conditions.h"

namespace hvo::controllers {
namespace {

using api::RunStrategy;
using api::VirtualMachinePhase;
using k8s::ConditionStatus;

// Facts of a VM that got through every step: reserved, placed on hv-01, provisioned, running.
VmFacts running_vm() {
  VmFacts facts;
  facts.generation = 3;
  facts.quota_reserved = true;
  facts.host = "hv-01";
  facts.provisioned = true;
  facts.power = agent::VmState::kRunning;
  return facts;
}

const k8s::Condition& condition(const VmAssessment& assessment, const char* type) {
  const k8s::Condition* found = k8s::find_condition(assessment.conditions, type);
  EXPECT_NE(found, nullptr) << type;
  static const k8s::Condition kMissing;
  return found ? *found : kMissing;
}

struct AssessmentCase {
  const char* name;
  std::function<void(VmFacts&)> change;
  VirtualMachinePhase phase;
  ConditionStatus ready;
  const char* ready_reason;
  ConditionStatus reconciling;
  ConditionStatus stalled;
};

// What gtest prints for a row, and so what ctest names it by: a name, not the bytes.
void PrintTo(const AssessmentCase& c, std::ostream* os) {
  *os << c.name;
}

class VmAssessmentTable : public ::testing::TestWithParam<AssessmentCase> {};

TEST_P(VmAssessmentTable, PhaseAndKstatusConditions) {
  const AssessmentCase& c = GetParam();
  VmFacts facts = running_vm();
  c.change(facts);

  const VmAssessment assessment = assess_vm(facts);

  EXPECT_EQ(assessment.phase, c.phase);
  EXPECT_EQ(condition(assessment, condition_type::kReady).status, c.ready);
  EXPECT_EQ(condition(assessment, condition_type::kReady).reason, c.ready_reason);
  EXPECT_EQ(condition(assessment, condition_type::kReconciling).status, c.reconciling);
  EXPECT_EQ(condition(assessment, condition_type::kStalled).status, c.stalled);
  for (const auto& each : assessment.conditions)
    EXPECT_EQ(each.observed_generation, 3) << each.type;
}

const auto T = ConditionStatus::kTrue;
const auto F = ConditionStatus::kFalse;

const AssessmentCase kCases[] = {
    {"RunningIsReady", [](VmFacts&) {}, VirtualMachinePhase::kRunning, T, "Running", F, F},
    {"InvalidSpecStalls", [](VmFacts& f) { f.invalid_spec = "spec.image: not allowed"; },
     VirtualMachinePhase::kPending, F, "InvalidSpec", F, T},
    {"QuotaExceededStallsAndStaysPending",
     [](VmFacts& f) {
       f.quota_reserved = false;
       f.quota_exceeded = "quota team-a: memory used 14Gi + requested 4Gi exceeds hard 16Gi";
     },
     VirtualMachinePhase::kPending, F, "QuotaExceeded", F, T},
    {"UnschedulableKeepsTrying",
     [](VmFacts& f) {
       f.host.clear();
       f.unschedulable = "0/3 hosts fit: 3 lack 8Gi free memory";
     },
     VirtualMachinePhase::kScheduling, F, "Unschedulable", T, F},
    {"UnreachableHostIsUnknownNotFailed",
     [](VmFacts& f) { f.host_unreachable = "host hv-01: inventory: connection refused"; },
     VirtualMachinePhase::kUnknown, F, "HostUnreachable", T, F},
    {"ProvisioningIsUnderWay", [](VmFacts& f) { f.provisioned = false; },
     VirtualMachinePhase::kProvisioning, F, "Provisioning", T, F},
    {"RetryableAgentErrorKeepsProvisioning",
     [](VmFacts& f) {
       f.provisioned = false;
       f.provision_failure = ProvisionFailure{"Busy", "host hv-01: ensure: Busy: later", false};
     },
     VirtualMachinePhase::kProvisioning, F, "Busy", T, F},
    {"PermanentAgentErrorFailsAndStalls",
     [](VmFacts& f) {
       f.provisioned = false;
       f.provision_failure =
           ProvisionFailure{"ImageNotFound", "host hv-01: ensure: ImageNotFound: rocky-10", true};
     },
     VirtualMachinePhase::kFailed, F, "ImageNotFound", F, T},
    {"HaltedAndStoppedIsReady",
     [](VmFacts& f) {
       f.run_strategy = RunStrategy::kHalted;
       f.power = agent::VmState::kOff;
     },
     VirtualMachinePhase::kStopped, T, "Stopped", F, F},
    {"ManualAndStoppedIsReady",
     [](VmFacts& f) {
       f.run_strategy = RunStrategy::kManual;
       f.power = agent::VmState::kOff;
     },
     VirtualMachinePhase::kStopped, T, "Stopped", F, F},
    {"AlwaysAndStoppedIsBeingStarted", [](VmFacts& f) { f.power = agent::VmState::kOff; },
     VirtualMachinePhase::kStopped, F, "Starting", T, F},
    {"HaltedAndRunningIsBeingStopped", [](VmFacts& f) { f.run_strategy = RunStrategy::kHalted; },
     VirtualMachinePhase::kRunning, F, "Stopping", T, F},
    {"StartingIsUnderWay", [](VmFacts& f) { f.power = agent::VmState::kStarting; },
     VirtualMachinePhase::kStarting, F, "Starting", T, F},
    {"CriticalPowerStateStalls",
     [](VmFacts& f) {
       f.power = agent::VmState::kOther;
       f.raw_power_state = "RunningCritical";
     },
     VirtualMachinePhase::kUnknown, F, "UnexpectedPowerState", F, T},
    {"DeletingIsUnderWay", [](VmFacts& f) { f.deleting = true; }, VirtualMachinePhase::kDeleting, F,
     "Deleting", T, F},
    {"DeletingWaitsForAnUnreachableHost",
     [](VmFacts& f) {
       f.deleting = true;
       f.host_unreachable = "Host hv-01 does not answer: connection refused";
     },
     VirtualMachinePhase::kDeleting, F, "HostUnreachable", T, F},
};

INSTANTIATE_TEST_SUITE_P(Cases, VmAssessmentTable, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(VmAssessment, StalledRepeatsReadysReasonAndMessage) {
  VmFacts facts = running_vm();
  facts.quota_reserved = false;
  facts.quota_exceeded = "quota team-a: vms used 10 + requested 1 exceeds hard 10";

  const VmAssessment assessment = assess_vm(facts);

  const auto& ready = condition(assessment, condition_type::kReady);
  const auto& stalled = condition(assessment, condition_type::kStalled);
  const auto& reserved = condition(assessment, condition_type::kQuotaReserved);
  EXPECT_EQ(stalled.reason, ready.reason);
  EXPECT_EQ(stalled.message, ready.message);
  EXPECT_EQ(reserved.status, ConditionStatus::kFalse);
  EXPECT_EQ(reserved.message, "quota team-a: vms used 10 + requested 1 exceeds hard 10");
}

TEST(VmAssessment, ADeleteWaitingForItsHostNamesTheHost) {
  VmFacts facts = running_vm();
  facts.deleting = true;
  facts.host_unreachable = "Host hv-01 does not answer: connection refused";

  const VmAssessment assessment = assess_vm(facts);

  const auto& ready = condition(assessment, condition_type::kReady);
  EXPECT_EQ(ready.reason, "HostUnreachable");
  EXPECT_NE(ready.message.find("hv-01"), std::string::npos) << ready.message;
  EXPECT_NE(ready.message.find("connection refused"), std::string::npos) << ready.message;
  const auto& reachable = condition(assessment, condition_type::kHostReachable);
  EXPECT_EQ(reachable.status, ConditionStatus::kFalse);
  EXPECT_EQ(reachable.reason, "HostUnreachable");
}

TEST(VmAssessment, StepsNotReachedAreUnknown) {
  VmFacts facts = running_vm();
  facts.host.clear();
  facts.unschedulable = "0/1 hosts fit: 1 is not Ready";

  const VmAssessment assessment = assess_vm(facts);

  EXPECT_EQ(condition(assessment, condition_type::kQuotaReserved).status, ConditionStatus::kTrue);
  EXPECT_EQ(condition(assessment, condition_type::kScheduled).status, ConditionStatus::kFalse);
  EXPECT_EQ(condition(assessment, condition_type::kScheduled).message,
            "0/1 hosts fit: 1 is not Ready");
  EXPECT_EQ(condition(assessment, condition_type::kHostReachable).status,
            ConditionStatus::kUnknown);
  EXPECT_EQ(condition(assessment, condition_type::kProvisioned).status, ConditionStatus::kUnknown);
}

TEST(VmAssessment, RestartRequiredNamesTheFieldsAndKeepsReady) {
  VmFacts facts = running_vm();
  facts.restart_required_fields = {"cpu.count", "memory.startup"};

  const VmAssessment assessment = assess_vm(facts);

  const auto& restart = condition(assessment, condition_type::kRestartRequired);
  EXPECT_EQ(restart.status, ConditionStatus::kTrue);
  EXPECT_EQ(restart.message,
            "Changes to cpu.count, memory.startup take effect after a restart: set "
            "spec.restartRequestedAt to restart the VM.");
  EXPECT_EQ(condition(assessment, condition_type::kReady).status, ConditionStatus::kTrue);
}

TEST(VmAssessment, HaltedStoppedMessageSaysItWasRequested) {
  VmFacts facts = running_vm();
  facts.run_strategy = RunStrategy::kHalted;
  facts.power = agent::VmState::kOff;

  const VmAssessment assessment = assess_vm(facts);

  EXPECT_EQ(condition(assessment, condition_type::kReady).message,
            "Stopped as requested (runStrategy Halted).");
}

TEST(Conditions, ApplyKeepsTransitionTimeUnlessStatusFlips) {
  const k8s::Time first(k8s::TimePoint(std::chrono::seconds(1000)));
  const k8s::Time later(k8s::TimePoint(std::chrono::seconds(2000)));
  std::vector<k8s::Condition> conditions;
  ASSERT_TRUE(apply_conditions(conditions,
                               {make_condition("Ready", false, "Starting", "starting", 1)}, first));

  EXPECT_TRUE(apply_conditions(conditions,
                               {make_condition("Ready", false, "Stopping", "stopping", 1)}, later));
  EXPECT_EQ(conditions[0].last_transition_time, first);
  EXPECT_FALSE(apply_conditions(
      conditions, {make_condition("Ready", false, "Stopping", "stopping", 1)}, later));
  EXPECT_TRUE(
      apply_conditions(conditions, {make_condition("Ready", true, "Running", "", 1)}, later));
  EXPECT_EQ(conditions[0].last_transition_time, later);
}

}  // namespace
}  // namespace hvo::controllers
