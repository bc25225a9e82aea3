// VirtualMachine: from spec to a VM on a host. A pass reads like KubeVirt's execute → sync →
// one status write: each step returns continue or stop, and the status is written once at the
// end, from the facts the steps found (assess_vm). One checkpoint writes mid-pass: a reservation
// or placement made in this pass is written before any agent call, so a restarted operator (or a
// retry) resumes on the same host with the same reservation. A VM goes from created to Ready in
// three writes: the finalizer, the checkpoint, Ready.
//
//   deleted?      remove the VM through its host's agent, then drop the finalizer; while the
//                 host does not answer, Ready=False HostUnreachable says so
//   finalizer     added first, by a JSON patch guarded by resourceVersion
//   settled?      Ready for this generation, nothing requested, no drift reported by the host
//                 poll: nothing to do, no agent call (a restart resyncs 10,000 VMs in seconds)
//   check spec    spec and tenant policy → InvalidSpec (no retries until the spec changes)
//   reserve       quota admission (one VM of a tenant at a time); a spec that grew is admitted
//                 again before the agent sees it
//   place         the scheduler's host
//   fail over     the host is lost: HostLost says what the VM waits for, or, fenced and past the
//                 VM's hostFailureTimeout, the VM is placed on another host (a checkpoint) and
//                 created there from its image (failover_planner.h)
//   reach host    the host is Ready, its last poll answered, and it has credentials
//   checkpoint    reservation and placement written, if this pass made them
//   converge      the agent's VM made to match the spec (ensure), power per runStrategy and
//                 restartRequestedAt; a VM missing from its host is recreated. An operation
//                 the agent has not finished is polled on later passes; the worker moves on
//   status        phase and conditions from assess_vm(); written only when changed
// Before the steps, copies a failover left on hosts that answer again are removed (never
// started) and dropped from status.staleCopies.
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
#include "controllers/agent_operations.h"
#include "controllers/cluster_api.h"
#include "controllers/decoded_hosts.h"
#include "controllers/host_call_limiter.h"
#include "controllers/host_snapshots.h"
#include "controllers/indexed_caches.h"
#include "controllers/quota_ledger.h"
#include "controllers/reservation_ledger.h"
#include "controllers/resources.h"
#include "controllers/scheduler.h"
#include "controllers/secret_source.h"
#include "controllers/vm_assessment.h"
#include "operator/clock.h"
#include "operator/controller.h"
#include "operator/store.h"

namespace hvo::controllers {

// Read through IndexedCaches and the ReservationLedger: a pass decodes its VM, its tenant and
// the tenant's quotas; admission and placement read sums, and hosts are decoded once per
// version. Nothing costs O(VMs).
using VmReconcilerCaches = ClusterCaches;

struct VmReconcilerOptions {
  // A settled VM is not revisited on a timer: the host poll's inventory wakes it when it drifts.
  kube::Duration in_progress = std::chrono::seconds(2);     // a VM starting, stopping, ...
  kube::Duration unschedulable = std::chrono::seconds(30);  // hosts may free up or appear
  kube::Duration host_unreachable = std::chrono::seconds(15);
  // A pass skipped because the cache shows a version this process already wrote over: the watch
  // event of that write brings the VM back first; this is only a safety net.
  kube::Duration cache_behind = std::chrono::seconds(30);
  // The host already has its limit of agent calls in flight: try again shortly.
  kube::Duration agent_busy = std::chrono::milliseconds(200);
  // An agent operation still running: the poller wakes the VM when it ends; this is only a
  // safety net.
  kube::Duration operation_running = std::chrono::seconds(15);
  // How long after its creation a host that has not reported yet holds up the placements it
  // could take (HostSnapshot::awaiting_first_report); past this it counts as not Ready.
  kube::Duration first_report_grace = std::chrono::minutes(2);
  // VMs in namespaces no Tenant claims run without quota or policy (off: refused, NoTenant).
  bool allow_unclaimed_namespaces = false;
  // How long a VM that fits no host keeps its quota reservation (0: for ever).
  kube::Duration unschedulable_release_after = std::chrono::minutes(5);
};

class VirtualMachineReconciler : public kube::Reconciler {
 public:
  // The agent side of a VM: its host's client, the operations in flight (polled in the
  // background, they wake the VM when they end) and the per-host limit of calls in flight.
  struct Agents {
    AgentClientCache& clients;
    AgentOperations& operations;
    HostCallLimiter& limiter;
  };

  // Host credentials come from `secrets` (the operator's Secret cache). `ledger` must be fed by
  // the VM cache (ReservationLedger::observer()).
  VirtualMachineReconciler(VmReconcilerCaches caches, ClusterApi& api, SecretSource& secrets,
                           Agents agents, EventSink& events, ReservationLedger& ledger,
                           VmReconcilerOptions options = VmReconcilerOptions(),
                           const kube::Clock& clock = kube::real_clock());

  Result<kube::ReconcileResult> reconcile(const kube::Request& request) override;

  // The host poll saw the VM drift from its status (inventory_drift.h): its next pass looks at
  // the host even though its status says it is settled.
  void note_drift(const std::string& key);

 private:
  // One reconcile's working state: the VM as last written, and what was found out so far.
  struct Pass {
    api::VirtualMachine vm;
    std::optional<api::Tenant> tenant;  // the Tenant listing the VM's namespace
    VmFacts facts;
    k8s::Json stored_status;  // status as last read or written: a write is made only on change
    std::optional<agent::VmStatus> observed;  // the agent's view, once asked
    std::optional<agent::VmSpec> desired;     // what the agent is to hold, once checked
    std::shared_ptr<AgentClient> agent;       // the host's agent, once reachable
    // This pass changed what the VM holds (reservation, host): written at the checkpoint, and
    // what the ledger expected before, to withdraw if that write fails.
    bool holding_changed = false;
    std::optional<VmHolding> expected_before;
    std::optional<std::string> scheduled;  // the scheduler's reasons, for the Event
    // When the next pass is due, if a step stopped the pass with its own reason.
    std::optional<kube::ReconcileResult> next;
    // The VM's host is lost (or the VM was failed over in this pass): its HostLost condition.
    std::optional<k8s::Condition> host_lost;
  };
  // kDefer: stop without the final status write (the pass learnt nothing new, e.g. the host's
  // agent is busy or an operation is still running).
  enum class Step { kContinue, kStop, kDefer };

  Result<kube::ReconcileResult> finalize(api::VirtualMachine vm);
  // The delete cannot reach the VM's host: the status says so, and the VM is visited again.
  Result<kube::ReconcileResult> wait_for_host(Pass& pass);
  // Asks for the shutdown spec.shutdown describes when the VM still runs; true while the VM is
  // not off yet (the delete waits), false once it is off or gone.
  // A shutdown the agent answers 202 is tracked like any operation (finalize waits for it).
  Result<bool> stop_before_delete(Pass& pass);
  Result<api::VirtualMachine> ensure_finalizer(api::VirtualMachine vm);
  Pass begin(api::VirtualMachine vm) const;
  // Ready for its generation with nothing asked of it: no step has anything to do.
  bool settled(const Pass& pass);

  // The steps, in order.
  Result<Step> check_spec(Pass& pass);
  Result<Step> reserve(Pass& pass);
  Result<Step> place(Pass& pass);
  Result<Step> fail_over(Pass& pass);
  Result<Step> reach_host(Pass& pass);
  Result<Step> checkpoint(Pass& pass);
  Result<Step> converge(Pass& pass);
  Result<Step> give_back_if_failed(Pass& pass);
  // Removes the copies status.staleCopies lists from the hosts that answer; the entries of the
  // removed ones are dropped from pass.vm.status (written with the pass's status).
  void remove_stale_copies(Pass& pass);

  // Whether the agent may hold this VM: it was provisioned once, or an operation is in flight.
  bool may_exist_on_host(const api::VirtualMachine& vm);
  // InvalidSpec message, or the agent spec to converge to.
  Result<agent::VmSpec> desired_spec(const Pass& pass);
  Result<std::optional<std::string>> user_data(const api::VirtualMachine& vm);
  // False when the quota denied the VM (facts say why).
  bool admit(Pass& pass);
  // The spec's amounts differ from the reservation: a larger VM is admitted again (against its
  // host's scoped quotas too) before the agent sees it; a smaller one just records less. False
  // when the quota denied the growth (facts say why).
  bool resize_reservation(Pass& pass);
  // Gives back the VM's quota reservation and its place on the host (status.allocated and
  // status.host cleared; the next write records QuotaReserved=False).
  void release_reservation(Pass& pass);
  // Counts the pass's VM in the ledger as its status now says, ahead of the write.
  void expect_holding(Pass& pass);
  std::vector<QuotaSnapshot> tenant_quotas(const std::string& tenant) const;
  // What each of `quotas` counts of the tenant's VMs (the ledger's sums), leaving `except` out.
  QuotaUsed tenant_usage(const api::Tenant& tenant, const HostLabels& labels,
                         const std::string& except) const;
  // Every host as placement sees it for this VM; call under the placement lock (the snapshots
  // are kept between placements).
  const std::vector<HostSnapshot>& host_snapshots(const Pass& pass,
                                                  const PlacementRequest& request);

  // What the operation an earlier pass left on the agent came to (AgentOperations polls it).
  enum class OperationPoll {
    kNone,       // nothing tracked (or the agent forgot it): act on what the VM looks like
    kRunning,    // still running: issue nothing new
    kSucceeded,  // finished: `finished_vm` may hold the VM as the operation left it
    kFailed,     // finished with an error, recorded in the facts
    kUnknown,    // the agent could not be asked; recorded in the facts
  };
  OperationPoll take_operation(Pass& pass, std::optional<agent::VmStatus>& finished_vm);
  // Hands a 202'd operation to the poller.
  void track(const Pass& pass, const agent::Operation& operation);
  bool operation_in_flight(const std::string& uid) const;
  Status apply_power(Pass& pass, AgentClient& agent);
  // The restart sequence (restart_sequence.h): true when it took charge of the VM's power in
  // this pass, so the run strategy's plan is not applied on top.
  Result<bool> run_restart(Pass& pass, AgentClient& agent);
  // PUT the desired spec with `power`; false when it did not finish in this call (tracked, or
  // failed: the facts say which).
  bool send_ensure(Pass& pass, AgentClient& agent, agent::PowerIntent power);
  void finish_restart(Pass& pass, const std::string& how);
  // Claims the VM's antiAffinityGroup for its restart: false when another member is restarting
  // or not Ready (or this process let one begin a restart the cache does not show yet).
  bool claim_group_if_free(const Pass& pass);
  void release_group(const Pass& pass);
  void observe(Pass& pass, const agent::VmStatus& vm);
  void on_ensured(Pass& pass, const agent::EnsureResult& result);

  // Writes status from the facts (when changed) and records an Event when the VM needs a
  // person's attention or no longer does.
  Status write_status(Pass& pass);
  kube::ReconcileResult next_visit(const Pass& pass) const;

  const ClusterCaches stores_;
  const IndexedCaches caches_;
  const DecodedHosts hosts_;
  ClusterApi& api_;
  SecretSource& secrets_;
  AgentClientCache& agents_;
  AgentOperations& operations_;
  HostCallLimiter& limiter_;
  EventSink& events_;
  ReservationLedger& ledger_;
  const VmReconcilerOptions options_;
  const kube::Clock& clock_;

  std::mutex drift_mu_;
  // VM keys whose next pass runs in full although their status reads settled: the host poll saw
  // them drift, or their last pass failed before its status write (which may have been the one
  // to record what that pass found, e.g. RestartRequired).
  std::set<std::string> drifted_;

  HostSnapshots snapshots_;  // guarded by ledger_.placement_lock()
  // uids whose drift-correcting ensure the agent answered 202: its DriftCorrected Event is
  // recorded when the operation's result arrives. Only an Event is lost with this process.
  std::set<std::string> drift_ensures_;

  // antiAffinityGroup → the VM key restarting by its updateStrategy: closes the window in which
  // the cache does not show that restart yet. Lost on restart, when the cache shows it anyway.
  std::mutex groups_mu_;
  std::map<std::string, std::string> restarting_in_group_;
};

}  // namespace hvo::controllers
