// VirtualMachineMigration reconciler: one live migration, execute → sync → one status write.
//   Pending/Scheduling: check the VM may move (migration_plan.h), choose a target with the
//     scheduler and hold room there (the VM's status.migration names the target while it moves:
//     the ledger counts the VM's amounts and anti-affinity group on both hosts, its quota once),
//     then ask the source host's agent to migrate (POST /v1/vms/{uid}/migrate);
//   Running: follow the agent's operation (progress into status); on success the VM's
//     status.host becomes the target, on failure the VM stays where it was.
// While a migration is Scheduling or Running the VM reconciler leaves the VM alone
// (migration_in_progress()) and the VM's phase reads Migrating.
#pragma once

#include <optional>
#include <string>

#include "api/v1alpha1/virtual_machine_migration_types.h"
#include "api/v1alpha1/virtual_machine_types.h"
#include "controllers/agent_client_cache.h"
#include "controllers/cluster_api.h"
#include "controllers/decoded_hosts.h"
#include "controllers/host_snapshots.h"
#include "controllers/indexed_caches.h"
#include "controllers/reservation_ledger.h"
#include "controllers/secret_source.h"
#include "operator/clock.h"
#include "operator/controller.h"
#include "operator/event_listener.h"
#include "operator/store.h"

namespace hvo::controllers {

struct MigrationReconcilerOptions {
  kube::Duration poll = std::chrono::seconds(1);            // a move under way
  kube::Duration retry = std::chrono::seconds(5);           // the source agent could not be asked
  kube::Duration unschedulable = std::chrono::seconds(15);  // no target fits yet
};

class MigrationReconciler : public kube::Reconciler {
 public:
  struct Caches {
    const kube::Store& migrations;
    ClusterCaches cluster;  // VMs, hosts, tenants, quotas
  };
  MigrationReconciler(Caches caches, ClusterApi& api, SecretSource& secrets,
                      AgentClientCache& agents, ReservationLedger& ledger,
                      MigrationReconcilerOptions options = MigrationReconcilerOptions(),
                      const kube::Clock& clock = kube::real_clock());

  Result<kube::ReconcileResult> reconcile(const kube::Request& request) override;

 private:
  struct Pass {
    api::VirtualMachineMigration migration;
    std::optional<api::VirtualMachine> vm;
    k8s::Json stored_status;
    kube::ReconcileResult next = kube::ReconcileResult::done();
  };

  Result<bool> schedule_and_hold(Pass& pass);
  Result<bool> start_move(Pass& pass);
  Result<bool> follow_move(Pass& pass);
  // Finds out where the VM is when the source agent no longer knows the operation.
  Result<bool> settle_lost_operation(Pass& pass);
  Status finish(Pass& pass, bool succeeded, const std::string& reason, const std::string& message);
  // Writes the VM's status.migration (and host, phase) as `change` says.
  Status write_vm(Pass& pass, const std::function<void(api::VirtualMachine&)>& change);
  Status write_status(Pass& pass);
  void set_condition(Pass& pass, const char* type, bool status, const std::string& reason,
                     const std::string& message);
  std::shared_ptr<AgentClient> client_of(const std::string& host, std::string& problem);

  const kube::Store& migrations_;
  const kube::Store& vms_;
  IndexedCaches caches_;
  DecodedHosts hosts_;
  ClusterApi& api_;
  SecretSource& secrets_;
  AgentClientCache& agents_;
  ReservationLedger& ledger_;
  const MigrationReconcilerOptions options_;
  const kube::Clock& clock_;
  HostSnapshots snapshots_;  // under ledger_.placement_lock()
};

// Informer events of VirtualMachineMigrations: each added or changed one is reconciled (a move
// under way is followed on a timer, not through the VM's events).
kube::EventHandlers migration_events(std::function<void(const std::string& key)> enqueue);

// Whether a live migration owns the VM now (status.migration Scheduling or Running).
bool migration_in_progress(const api::VirtualMachineStatus& status);

}  // namespace hvo::controllers
