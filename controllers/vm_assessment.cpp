#include "controllers/vm_assessment.h"

#include "controllers/conditions.h"
#include "controllers/vm_holding_policy.h"

namespace hvo::controllers {
namespace {

namespace type = condition_type;
using agent::VmState;
using api::VirtualMachinePhase;

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items)
    text += (text.empty() ? "" : ", ") + item;
  return text;
}

// Builds the assessment one fact at a time; conditions not settled by the step that stopped the
// pass read Unknown ("not reached yet").
class Assessor {
 public:
  explicit Assessor(const VmFacts& facts) : facts_(facts) {}

  VmAssessment run() {
    if (facts_.deleting && facts_.host_unreachable) {
      // The delete waits for the host: say so, or a VM stuck for the whole outage looks fine.
      set(type::kHostReachable, false, "HostUnreachable", *facts_.host_unreachable);
      return in_progress(
          VirtualMachinePhase::kDeleting, "HostUnreachable",
          "Waiting to remove the VM from host " + facts_.host + ": " + *facts_.host_unreachable);
    }
    if (facts_.deleting)
      return in_progress(VirtualMachinePhase::kDeleting, "Deleting", "The VM is being deleted.");
    if (facts_.invalid_spec) {
      // A VM that exists keeps its reservation while its spec is invalid: it still holds it.
      if (facts_.quota_reserved)
        set(type::kQuotaReserved, true, "Reserved", "The VM's resources are reserved in quota.");
      return stalled(VirtualMachinePhase::kPending, "InvalidSpec", *facts_.invalid_spec);
    }
    if (facts_.no_tenant) {
      // Same as an invalid spec: a VM that exists keeps holding what it takes.
      if (facts_.quota_reserved)
        set(type::kQuotaReserved, true, "Reserved", "The VM's resources are reserved in quota.");
      return stalled(VirtualMachinePhase::kPending, "NoTenant", *facts_.no_tenant);
    }
    if (facts_.reservation_released && facts_.provision_failure) {
      const auto& failure = *facts_.provision_failure;
      set(type::kQuotaReserved, false, "Released",
          "Given back: the VM cannot be created as specified. A spec change retries.");
      set(type::kProvisioned, false, failure.reason, failure.message);
      return stalled(VirtualMachinePhase::kFailed, failure.reason, failure.message);
    }

    if (!facts_.quota_reserved) {
      if (facts_.released_unschedulable && facts_.unschedulable) {
        set(type::kQuotaReserved, false, kReleasedUnschedulable, *facts_.released_unschedulable);
        set(type::kScheduled, false, "Unschedulable", *facts_.unschedulable);
        return in_progress(VirtualMachinePhase::kScheduling, "Unschedulable",
                           *facts_.unschedulable);
      }
      if (facts_.quota_exceeded) {
        set(type::kQuotaReserved, false, "QuotaExceeded", *facts_.quota_exceeded);
        return stalled(VirtualMachinePhase::kPending, "QuotaExceeded", *facts_.quota_exceeded);
      }
      return in_progress(VirtualMachinePhase::kPending, "AwaitingQuota",
                         "Waiting for the tenant's quota to be reserved.");
    }
    set(type::kQuotaReserved, true, "Reserved", "The VM's resources are reserved in quota.");
    if (facts_.growth_exceeded) {
      return stalled(facts_.phase_before, "QuotaExceeded",
                     *facts_.growth_exceeded + " (the VM keeps its current size until it fits)");
    }

    if (facts_.host.empty()) {
      if (facts_.unschedulable) {
        set(type::kScheduled, false, "Unschedulable", *facts_.unschedulable);
        return in_progress(VirtualMachinePhase::kScheduling, "Unschedulable",
                           *facts_.unschedulable);
      }
      return in_progress(VirtualMachinePhase::kScheduling, "Scheduling",
                         "Choosing a host for the VM.");
    }
    set(type::kScheduled, true, "Scheduled", "Placed on host " + facts_.host + ".");

    if (facts_.host_unreachable) {
      set(type::kHostReachable, false, "HostUnreachable", *facts_.host_unreachable);
      return in_progress(VirtualMachinePhase::kUnknown, "HostUnreachable",
                         *facts_.host_unreachable);
    }
    set(type::kHostReachable, true, "HostReachable", "The agent on " + facts_.host + " answers.");

    if (!facts_.provisioned)
      return provisioning();
    set(type::kProvisioned, true, "Provisioned", "The VM exists on " + facts_.host + ".");
    return powered();
  }

 private:
  VmAssessment provisioning() {
    if (facts_.provision_failure) {
      const auto& failure = *facts_.provision_failure;
      set(type::kProvisioned, false, failure.reason, failure.message);
      if (failure.permanent)
        return stalled(VirtualMachinePhase::kFailed, failure.reason, failure.message);
      return in_progress(VirtualMachinePhase::kProvisioning, failure.reason, failure.message);
    }
    set(type::kProvisioned, false, "Provisioning", "Creating the VM on " + facts_.host + ".");
    return in_progress(VirtualMachinePhase::kProvisioning, "Provisioning",
                       "Creating the VM on " + facts_.host + ".");
  }

  VmAssessment powered() {
    const bool halted = facts_.run_strategy == api::RunStrategy::kHalted;
    switch (facts_.power) {
      case VmState::kRunning:
        if (halted)
          return in_progress(VirtualMachinePhase::kRunning, "Stopping",
                             "Stopping the VM (runStrategy Halted).");
        return done(VirtualMachinePhase::kRunning, "Running", "Running on " + facts_.host + ".");
      case VmState::kStarting:
        return in_progress(VirtualMachinePhase::kStarting, "Starting", "The VM is starting.");
      case VmState::kStopping:
        return in_progress(VirtualMachinePhase::kStopping, "Stopping", "The VM is stopping.");
      case VmState::kOff:
      case VmState::kSaved:
      case VmState::kPaused:
        if (stopped_on_purpose(facts_.run_strategy))
          return done(VirtualMachinePhase::kStopped, "Stopped",
                      std::string("Stopped as requested (runStrategy ") +
                          api::to_string(facts_.run_strategy) + ").");
        return in_progress(VirtualMachinePhase::kStopped, "Starting",
                           "Starting the VM (runStrategy Always).");
      case VmState::kOther:
        break;
    }
    // A state the operator cannot act on (Hyper-V's *Critical states): tell a person.
    return stalled(VirtualMachinePhase::kUnknown, "UnexpectedPowerState",
                   "The host reports the VM as " + facts_.raw_power_state + ".");
  }

  // Work under way (or waiting on something that will change by itself).
  VmAssessment in_progress(VirtualMachinePhase phase, const std::string& reason,
                           const std::string& message) {
    set(type::kReady, false, reason, message);
    set(type::kReconciling, true, reason, message);
    set(type::kStalled, false, "NotStalled", "");
    return finish(phase);
  }
  // Nothing will change until a person acts; kstatus reads Failed, Argo CD Degraded.
  VmAssessment stalled(VirtualMachinePhase phase, const std::string& reason,
                       const std::string& message) {
    set(type::kReady, false, reason, message);
    set(type::kReconciling, false, reason, "");
    set(type::kStalled, true, reason, message);
    return finish(phase);
  }
  VmAssessment done(VirtualMachinePhase phase, const std::string& reason,
                    const std::string& message) {
    set(type::kReady, true, reason, message);
    set(type::kReconciling, false, "Reconciled", "");
    set(type::kStalled, false, "NotStalled", "");
    return finish(phase);
  }

  VmAssessment finish(VirtualMachinePhase phase) {
    if (facts_.deleting) {  // keeps the other conditions it had
      assessment_.phase = phase;
      return assessment_;
    }
    if (facts_.restart_required_fields.empty()) {
      set(type::kRestartRequired, false, "UpToDate", "");
    } else {
      set(type::kRestartRequired, true, "RestartRequired",
          "Changes to " + join(facts_.restart_required_fields) +
              " take effect after a restart: set spec.restartRequestedAt to restart the VM.");
    }
    // The steps this pass did not reach read Unknown.
    for (const char* pending :
         {type::kQuotaReserved, type::kScheduled, type::kHostReachable, type::kProvisioned}) {
      if (!k8s::find_condition(assessment_.conditions, pending))
        assessment_.conditions.push_back(
            make_unknown_condition(pending, "NotReached", "", facts_.generation));
    }
    assessment_.phase = phase;
    return assessment_;
  }

  void set(const char* condition, bool status, const std::string& reason,
           const std::string& message) {
    assessment_.conditions.push_back(
        make_condition(condition, status, reason, message, facts_.generation));
  }

  const VmFacts& facts_;
  VmAssessment assessment_;
};

}  // namespace

bool stopped_on_purpose(api::RunStrategy run_strategy) {
  return run_strategy != api::RunStrategy::kAlways;
}

VmAssessment assess_vm(const VmFacts& facts) {
  return Assessor(facts).run();
}

}  // namespace hvo::controllers
