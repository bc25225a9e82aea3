#include "controllers/migration_plan.h"

namespace hvo::controllers {

std::optional<MigrationRefusal> migration_refusal(const std::string& migration_name,
                                                  const api::VirtualMachine* vm) {
  if (vm == nullptr)
    return MigrationRefusal{"VmNotFound", "the VirtualMachine does not exist"};
  if (vm->metadata.is_being_deleted())
    return MigrationRefusal{"VmDeleting", "the VirtualMachine is being deleted"};
  if (vm->status.migration && vm->status.migration->name != migration_name &&
      vm->status.migration->phase && !api::is_final(*vm->status.migration->phase)) {
    return MigrationRefusal{"AlreadyMigrating", "the VM is already moving under migration " +
                                                    vm->status.migration->name};
  }
  if (vm->status.phase != api::VirtualMachinePhase::kRunning || vm->status.host.empty() ||
      vm->status.vm_id.empty()) {
    const std::string phase =
        vm->status.phase ? api::to_string(*vm->status.phase) : std::string("Pending");
    return MigrationRefusal{"VmNotRunning",
                            "only a running VM can be live-migrated; it is " + phase};
  }
  if (!vm->spec.placement.host.empty()) {
    return MigrationRefusal{"VmPinned", "the VM is pinned to host " + vm->spec.placement.host +
                                            " (spec.placement.host)"};
  }
  return std::nullopt;
}

TargetChoice choose_target(PlacementRequest request, const std::vector<HostSnapshot>& hosts,
                           const std::string& source, const std::string& target_host,
                           const k8s::Selector& target_selector) {
  if (!target_host.empty() && target_host == source)
    return {std::nullopt, "the VM already runs on " + source, false};
  std::vector<HostSnapshot> candidates;
  int left_out = 0;
  for (const auto& host : hosts) {
    if (host.name == source)
      continue;
    if (!target_selector.matches(host.labels)) {
      ++left_out;
      continue;
    }
    candidates.push_back(host);
  }
  request.pinned_host = target_host;
  const PlacementDecision decision = schedule(request, candidates);
  TargetChoice choice;
  choice.host = decision.host;
  choice.awaiting = !decision.awaiting.empty();
  choice.message = decision.message;
  if (left_out > 0) {
    choice.message += " (" + std::to_string(left_out) + (left_out == 1 ? " host" : " hosts") +
                      " left out by targetSelector)";
  }
  if (candidates.empty() && !choice.host)
    choice.message = "no host other than " + source + " to move to" +
                     (left_out > 0 ? " that targetSelector accepts" : std::string());
  return choice;
}

MoveOutcome move_outcome(const agent::Operation& operation) {
  if (operation.state == agent::OperationState::kSucceeded)
    return MoveOutcome::kSucceeded;
  if (operation.state == agent::OperationState::kFailed)
    return MoveOutcome::kFailed;
  return MoveOutcome::kRunning;
}

}  // namespace hvo::controllers
