// The decisions of a live migration (migration_reconciler.cpp), as pure functions over plain
// structs: may the VM move now, to which host, and what the source agent's operation means.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/k8s/selector.h"
#include "api/v1alpha1/virtual_machine_migration_types.h"
#include "api/v1alpha1/virtual_machine_types.h"
#include "controllers/scheduler.h"
#include "hostagent/protocol/operation.h"

namespace hvo::controllers {

// Why `migration` cannot start moving `vm` (nullptr: the VM does not exist), or nullopt when
// it can: the VM must be Running on a host with a vmId, not being deleted, not pinned to its
// host, and not already moving under another VirtualMachineMigration.
struct MigrationRefusal {
  std::string reason;   // CamelCase, for the condition
  std::string message;  // for people
};
std::optional<MigrationRefusal> migration_refusal(const std::string& migration_name,
                                                  const api::VirtualMachine* vm);

// The target: the scheduler's choice among the hosts other than `source` that `target_selector`
// accepts (all hosts pinned to `target_host` when set), with the VM's own placement rules
// (selector, tenant, capabilities, anti-affinity, room). The message explains a refusal like a
// placement's and names the hosts left out before scheduling.
struct TargetChoice {
  std::optional<std::string> host;
  std::string message;
  bool awaiting = false;  // a host that has not reported yet could take it: try again soon
};
TargetChoice choose_target(PlacementRequest request, const std::vector<HostSnapshot>& hosts,
                           const std::string& source, const std::string& target_host,
                           const k8s::Selector& target_selector);

enum class MoveOutcome { kRunning, kSucceeded, kFailed };
MoveOutcome move_outcome(const agent::Operation& operation);

}  // namespace hvo::controllers
