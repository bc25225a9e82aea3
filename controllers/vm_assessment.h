// A VirtualMachine's status phase and conditions as a pure function of what the reconciler
// found out in this pass (VmFacts). The reconciler gathers facts step by step, stops at the first
// step that cannot proceed, and asks assess_vm() what that means for the status:
//
//   delete requested (waiting for an unreachable host, or under way) → invalid spec → no tenant →
//   quota → scheduling → host reachable → provisioning → power
//
// Ready is True only for a VM in the state its runStrategy asks for (running, or stopped on
// purpose). InvalidSpec, NoTenant, QuotaExceeded and permanent provisioning failures set
// Stalled=True with the same reason and message as Ready=False; everything still under way sets
// Reconciling=True.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/k8s/condition.h"
#include "api/v1alpha1/enums.h"
#include "hostagent/protocol/vm_status.h"

namespace hvo::controllers {

// Why the agent has not (yet) got the VM.
struct ProvisionFailure {
  std::string reason;   // the agent's code ("ImageNotFound") or "HostUnreachable"-like failure
  std::string message;  // the AgentError message
  bool permanent = false;
};

struct VmFacts {
  std::int64_t generation = 0;  // metadata.generation
  api::RunStrategy run_strategy = api::RunStrategy::kAlways;
  bool deleting = false;

  std::optional<std::string> invalid_spec;  // "spec.networks[0].switch: ..."
  // The VM's namespace belongs to no Tenant (vm_holding_policy.h): refused before quota.
  std::optional<std::string> no_tenant;
  bool quota_reserved = false;
  std::optional<std::string> quota_exceeded;  // QuotaDenial::message
  // The spec grew beyond what the quota allows: the VM keeps its reservation and its current
  // size (nothing is sent to the agent) and its phase stays `phase_before`.
  std::optional<std::string> growth_exceeded;  // QuotaDenial::message
  api::VirtualMachinePhase phase_before = api::VirtualMachinePhase::kPending;

  std::string host;                          // status.host; empty before scheduling
  std::optional<std::string> unschedulable;  // "0/3 hosts fit: ..."
  // No host fitted for longer than the operator waits: the reservation was given back (or stays
  // given back) until a host fits; the QuotaReserved message (vm_holding_policy.h).
  std::optional<std::string> released_unschedulable;
  std::optional<std::string> host_unreachable;  // why the host cannot be reached right now

  bool provisioned = false;  // the agent reports the VM
  std::optional<ProvisionFailure> provision_failure;
  // The reservation was given back because the VM can never be created as specified (a
  // permanent provision_failure while the agent has no such VM): QuotaReserved=False, Failed.
  bool reservation_released = false;
  bool operation_pending = false;  // an agent operation is still running

  agent::VmState power = agent::VmState::kOff;  // meaningful when provisioned
  std::string raw_power_state;                  // the host's own word
  std::vector<std::string> restart_required_fields;
};

struct VmAssessment {
  api::VirtualMachinePhase phase = api::VirtualMachinePhase::kPending;
  // Ready, QuotaReserved, Scheduled, HostReachable, Provisioned, RestartRequired, Reconciling,
  // Stalled: always all of them, without lastTransitionTime (see apply_conditions).
  std::vector<k8s::Condition> conditions;
};

VmAssessment assess_vm(const VmFacts& facts);

// Whether the run strategy is content with the VM off (Halted, Manual, RerunOnFailure).
bool stopped_on_purpose(api::RunStrategy run_strategy);

}  // namespace hvo::controllers
