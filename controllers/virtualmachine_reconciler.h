// VirtualMachine: from spec to a VM on a host, one step per pass, each step's outcome written
// to status before the next step acts on it (so a restarted operator resumes where it stopped):
//
//   deleted?      remove the VM through its host's agent, then drop the finalizer
//   finalizer     added before anything else
//   validate      spec and tenant policy → InvalidSpec (no retries until the spec changes)
//   admit         quota reservation recorded on status (QuotaReserved, allocated) before any
//                 agent call; one VM of a tenant at a time (PendingReservations); a spec that
//                 grew is admitted again before the agent sees it
//   place         the scheduler's host written to status.host before any agent call, so a
//                 retry goes to the same host
//   converge      the agent's VM made to match the spec (ensure), power per runStrategy and
//                 restartRequestedAt; a VM missing from its host is recreated
//   status        phase and conditions from assess_vm(); written only when changed
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/v1alpha1/tenant_types.h"
#include "api/v1alpha1/virtual_machine_types.h"
#include "controllers/agent_client_cache.h"
#include "controllers/cluster_api.h"
#include "controllers/indexed_caches.h"
#include "controllers/quota_ledger.h"
#include "controllers/resources.h"
#include "controllers/secret_source.h"
#include "controllers/vm_assessment.h"
#include "operator/clock.h"
#include "operator/controller.h"
#include "operator/store.h"

namespace hvo::controllers {

// Read through IndexedCaches: a pass decodes its VM, its tenant, the tenant's quotas and (to
// admit) the tenant's VMs, and (to place) every host; never the whole VM or Tenant cache.
using VmReconcilerCaches = ClusterCaches;

struct VmReconcilerOptions {
  kube::Duration resync = std::chrono::seconds(30);         // drift check of a settled VM
  kube::Duration in_progress = std::chrono::seconds(2);     // a VM starting, stopping, ...
  kube::Duration unschedulable = std::chrono::seconds(30);  // hosts may free up or appear
  kube::Duration host_unreachable = std::chrono::seconds(15);
  // How long after its creation a host that has not reported yet holds up the placements it
  // could take (HostSnapshot::awaiting_first_report); past this it counts as not Ready.
  kube::Duration first_report_grace = std::chrono::minutes(2);
};

class VirtualMachineReconciler : public kube::Reconciler {
 public:
  // Host credentials come from `secrets` (the operator's Secret cache).
  VirtualMachineReconciler(VmReconcilerCaches caches, ClusterApi& api, SecretSource& secrets,
                           AgentClientCache& agents, EventSink& events,
                           PendingReservations& reservations,
                           VmReconcilerOptions options = VmReconcilerOptions(),
                           const kube::Clock& clock = kube::real_clock());

  Result<kube::ReconcileResult> reconcile(const kube::Request& request) override;

 private:
  // One reconcile's working state: the VM as last written, and what was found out so far.
  struct Pass {
    api::VirtualMachine vm;
    std::optional<api::Tenant> tenant;  // the Tenant listing the VM's namespace
    VmFacts facts;
    std::optional<agent::VmStatus> observed;  // the agent's view, once asked
    bool awaiting_hosts = false;              // placement waits for hosts to report
  };

  Result<kube::ReconcileResult> finalize(api::VirtualMachine vm);
  // Whether the agent may hold this VM: it was provisioned once, or an operation is in flight.
  bool may_exist_on_host(const api::VirtualMachine& vm);
  // Gives back the VM's quota reservation and its place on the host (status.allocated and
  // status.host cleared; the next write records QuotaReserved=False).
  void release_reservation(Pass& pass);
  Result<api::VirtualMachine> ensure_finalizer(api::VirtualMachine vm);
  // InvalidSpec message, or the agent spec to converge to.
  Result<agent::VmSpec> desired_spec(const Pass& pass);
  Result<std::optional<std::string>> user_data(const api::VirtualMachine& vm);
  // False when the quota denied the VM (facts say why).
  Result<bool> admit(Pass& pass);
  // The spec's amounts differ from the reservation: a larger VM is admitted again (against its
  // host's scoped quotas too) before the agent sees it; a smaller one just records less. False
  // when the quota denied the growth (facts say why).
  Result<bool> resize_reservation(Pass& pass);
  // False when no host fits (facts say why).
  Result<bool> place(Pass& pass);
  std::vector<QuotaSnapshot> tenant_quotas(const std::string& tenant) const;
  Result<std::shared_ptr<AgentClient>> agent_for(Pass& pass);
  // Ensure (when missing or changed) and power; fills facts from the agent's answers.
  Status converge(Pass& pass, AgentClient& agent, const agent::VmSpec& desired);
  void observe(Pass& pass, const agent::VmStatus& vm);
  void on_ensured(Pass& pass, const agent::EnsureResult& result);

  // Agent operations that answered 202, by VM uid, polled by id on later passes. Memory only:
  // after a restart the next pass looks at the VM and re-issues an idempotent ensure if needed.
  struct TrackedOperation {
    std::string host;
    std::string id;
    agent::OperationKind kind = agent::OperationKind::kEnsure;
  };
  enum class OperationPoll {
    kNone,       // nothing tracked (or the agent forgot it): act on what the VM looks like
    kRunning,    // still running: issue nothing new
    kSucceeded,  // finished now: act on what the VM looks like
    kFailed,     // finished with an error, recorded in the facts
    kUnknown,    // the agent could not be asked; recorded in the facts
  };
  OperationPoll poll_operation(Pass& pass, AgentClient& agent);
  std::optional<TrackedOperation> tracked(const std::string& uid);
  void track(const std::string& uid, const std::string& host, const agent::Operation& operation);
  void forget_operation(const std::string& uid);
  Status apply_power(Pass& pass, AgentClient& agent);

  // Writes status from the facts (when changed) and records an Event when Ready's reason moved.
  Status write_status(Pass& pass);
  kube::ReconcileResult next_visit(const Pass& pass) const;

  const ClusterCaches stores_;
  const IndexedCaches caches_;
  ClusterApi& api_;
  SecretSource& secrets_;
  AgentClientCache& agents_;
  EventSink& events_;
  PendingReservations& reservations_;
  const VmReconcilerOptions options_;
  const kube::Clock& clock_;

  // Placements written but perhaps not yet in the cache, so two VMs placed in quick succession
  // both count on their hosts. Dropped once the cache shows the VM's host.
  struct Placement {
    std::string host;
    ResourceAmounts amounts;
    std::string anti_affinity_group;
  };
  std::mutex placement_mu_;
  std::map<std::string, Placement> recent_placements_;  // by VM key

  std::mutex operations_mu_;
  std::map<std::string, TrackedOperation> operations_;  // by VM uid

  // resourceVersions this process wrote over, by VM key, until the cache shows a newer one: a
  // pass that starts from one of them is skipped (cache_behind_own_write).
  struct OwnWrites {
    std::set<std::string> superseded;
    std::string latest;
  };
  void note_own_write(const std::string& key, const std::string& replaced,
                      const k8s::Json& written);
  bool cache_behind_own_write(const std::string& key, const std::string& cached);
  void forget_own_writes(const std::string& key);
  std::mutex own_writes_mu_;
  std::map<std::string, OwnWrites> own_writes_;
};

}  // namespace hvo::controllers
