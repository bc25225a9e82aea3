#include "controllers/virtualmachine_reconciler.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <functional>

#include "api/v1alpha1/validation.h"
#include "controllers/agent_endpoint.h"
#include "controllers/api_conversions.h"
#include "controllers/conditions.h"
#include "controllers/failover_planner.h"
#include "controllers/failover_status.h"
#include "controllers/host_reachability.h"
#include "controllers/inventory_drift.h"
#include "controllers/kinds.h"
#include "controllers/migration_reconciler.h"
#include "controllers/power_policy.h"
#include "controllers/restart_sequence.h"
#include "controllers/tenant_desired.h"
#include "controllers/vm_desired_spec.h"
#include "controllers/vm_holding_policy.h"
#include "operator/base64.h"

namespace hvo::controllers {
namespace {

using api::VirtualMachinePhase;

bool is_reserved(const api::VirtualMachine& vm) {
  return vm.status.allocated && k8s::is_true(vm.status.conditions, condition_type::kQuotaReserved);
}

bool has_run_before(const api::VirtualMachine& vm) {
  const auto phase = vm.status.phase;
  return phase == VirtualMachinePhase::kRunning || phase == VirtualMachinePhase::kStopping ||
         phase == VirtualMachinePhase::kStopped;
}

std::string ready_reason(const api::VirtualMachine& vm) {
  const auto* ready = k8s::find_condition(vm.status.conditions, condition_type::kReady);
  return ready ? ready->reason : "";
}

// Reasons that ask a person to look, even though the operator keeps trying.
bool is_warning(const VmAssessment& assessment, const std::string& reason) {
  return k8s::is_true(assessment.conditions, condition_type::kStalled) ||
         reason == "Unschedulable" || reason == "HostUnreachable";
}

// An agent error in the facts: transport trouble means the host is unreachable (nothing is
// destroyed, the VM waits); an answer with an error code is a provisioning failure.
void record_agent_error(VmFacts& facts, const AgentError& error) {
  // A rejected token is the host's credentials, not the VM: wait like for an unreachable host
  // rather than failing the VM for good (a rotated Secret fixes it).
  if (error.failure == AgentFailure::kRejected && !error.is(agent::AgentErrorCode::kUnauthorized)) {
    facts.provision_failure =
        ProvisionFailure{error.code_label(), error.message, !error.retryable()};
  } else {
    facts.host_unreachable = error.message;
  }
}

// The VM's Ready reason asks a person to look (the status as stored, before this pass).
bool needs_attention(const api::VirtualMachine& vm) {
  const std::string reason = ready_reason(vm);
  return k8s::is_true(vm.status.conditions, condition_type::kStalled) ||
         reason == "Unschedulable" || reason == "HostUnreachable";
}

const char* power_event_reason(agent::PowerAction action) {
  switch (action) {
    case agent::PowerAction::kStart:
      return "Starting";
    case agent::PowerAction::kShutdown:
    case agent::PowerAction::kTurnOff:
    case agent::PowerAction::kSave:
      return "Stopping";
    case agent::PowerAction::kRestart:
      return "Restarting";
  }
  return "Power";
}

// A VM edited by hand on its host and made to match its spec again: which fields came back, and
// which wait for the VM to be off (RestartRequired says so too).
void record_drift_corrected(EventSink& events, const api::VirtualMachine& vm,
                            const std::string& host, const agent::EnsureResult& result) {
  const std::string changed = join_fields(result.changed_fields);
  const std::string waiting = join_fields(result.vm.restart_required_fields, "");
  spdlog::info("vm_drift_corrected vm={} host={} changed=\"{}\" restart_required=\"{}\"",
               vm.metadata.key(), host, changed, waiting);
  std::string message =
      "The VM was changed on host " + host + " outside the operator; set back: " + changed + ".";
  if (!waiting.empty())
    message += " Needs a restart to set back: " + waiting + ".";
  events.record(vm.to_json(), "Warning", "DriftCorrected", "Reconcile", message);
}

}  // namespace

VirtualMachineReconciler::VirtualMachineReconciler(VmReconcilerCaches caches, ClusterApi& api,
                                                   SecretSource& secrets, Agents agents,
                                                   EventSink& events, ReservationLedger& ledger,
                                                   VmReconcilerOptions options,
                                                   const kube::Clock& clock)
    : stores_(caches),
      caches_(caches),
      hosts_(caches.hosts),
      api_(api),
      secrets_(secrets),
      agents_(agents.clients),
      operations_(agents.operations),
      limiter_(agents.limiter),
      events_(events),
      ledger_(ledger),
      options_(options),
      clock_(clock) {}

void VirtualMachineReconciler::note_drift(const std::string& key) {
  std::lock_guard<std::mutex> lock(drift_mu_);
  drifted_.insert(key);
}

Result<kube::ReconcileResult> VirtualMachineReconciler::reconcile(const kube::Request& request) {
  const std::string key = request.key();
  const kube::ObjectPtr object = stores_.vms.get(key);
  if (!object) {
    std::lock_guard<std::mutex> lock(drift_mu_);
    drifted_.erase(key);
    return kube::ReconcileResult::done();  // the ledger forgot it with the cache
  }
  auto parsed = api::VirtualMachine::from_json(*object);
  if (!parsed.ok())
    return parsed.error().with_context("virtualmachine " + key);
  // The cache still shows a version this process already wrote over (the pass was queued before
  // the watch delivered our last write): acting on it would only end in a 409 Conflict and a
  // backoff. The watch event of our write enqueues the VM again.
  if (ledger_.cache_behind(key, parsed->metadata.resource_version)) {
    spdlog::debug("vm_cache_behind vm={} resourceVersion={}", key,
                  parsed->metadata.resource_version);
    return kube::ReconcileResult::after(options_.cache_behind);
  }
  if (parsed->metadata.is_being_deleted())
    return finalize(std::move(parsed).value());

  auto vm = ensure_finalizer(std::move(parsed).value());
  if (!vm.ok())
    return vm.error();
  // A permanent failure of this generation waits for a spec change, not for retries.
  if (vm->status.phase == VirtualMachinePhase::kFailed &&
      vm->status.observed_generation == vm->metadata.generation)
    return kube::ReconcileResult::done();

  // A live migration owns the VM while it moves (migration_reconciler.h): no call to either
  // host; the migration's last write to the VM brings it back here.
  if (migration_in_progress(vm->status))
    return kube::ReconcileResult::done();

  Pass pass = begin(std::move(vm).value());
  if (settled(pass))
    return kube::ReconcileResult::done();
  remove_stale_copies(pass);

  using StepFn = Result<Step> (VirtualMachineReconciler::*)(Pass&);
  for (StepFn step :
       {&VirtualMachineReconciler::check_spec, &VirtualMachineReconciler::reserve,
        &VirtualMachineReconciler::place, &VirtualMachineReconciler::fail_over,
        &VirtualMachineReconciler::reach_host, &VirtualMachineReconciler::checkpoint,
        &VirtualMachineReconciler::converge, &VirtualMachineReconciler::give_back_if_failed}) {
    auto outcome = (this->*step)(pass);
    if (!outcome.ok()) {
      note_drift(key);
      return outcome.error().with_context("virtualmachine " + key);
    }
    if (*outcome == Step::kDefer)
      return *pass.next;
    if (*outcome == Step::kStop)
      break;
  }
  if (auto written = write_status(pass); !written.ok()) {
    note_drift(key);
    return written.error();
  }
  return next_visit(pass);
}

VirtualMachineReconciler::Pass VirtualMachineReconciler::begin(api::VirtualMachine vm) const {
  Pass pass;
  pass.vm = std::move(vm);
  pass.tenant = caches_.tenant_of_namespace(pass.vm.metadata.namespace_);
  pass.facts.generation = pass.vm.metadata.generation;
  pass.facts.run_strategy = pass.vm.spec.run_strategy;
  pass.facts.quota_reserved = is_reserved(pass.vm);
  pass.facts.phase_before = pass.vm.status.phase.value_or(VirtualMachinePhase::kPending);
  pass.facts.host = pass.vm.status.host;
  api::encode(pass.stored_status, pass.vm.status);
  return pass;
}

bool VirtualMachineReconciler::settled(const Pass& pass) {
  const api::VirtualMachine& vm = pass.vm;
  {
    std::lock_guard<std::mutex> lock(drift_mu_);
    if (drifted_.erase(vm.metadata.key()) > 0)
      return false;
  }
  if (vm.status.observed_generation != vm.metadata.generation ||
      !k8s::is_true(vm.status.conditions, condition_type::kReady) || vm.status.vm_id.empty() ||
      vm.status.host.empty() || !is_reserved(vm) ||
      !(vm_requested(vm.spec) == to_amounts(*vm.status.allocated)) ||
      restart_pending(vm.spec.restart_requested_at, vm.status.last_restart_time) ||
      vm.status.restart.has_value() || !vm.status.stale_copies.empty() ||
      (vm.spec.update_strategy.type == api::UpdateStrategyType::kAutomatic &&
       k8s::is_true(vm.status.conditions, condition_type::kRestartRequired)) ||
      operations_.find(vm.metadata.uid))  // running, or ended with an outcome to read
    return false;
  // Its host went away or stopped answering: the VM's status has to say so.
  const auto host = hosts_.get(vm.status.host);
  if (!host || host_unreachable_reason(*host))
    return false;
  // A tenant policy that changed since may have made the spec invalid (no I/O to find out).
  if (!api::validate(vm).empty())
    return false;
  if (!pass.tenant)
    return options_.allow_unclaimed_namespaces;
  return check_tenant_policy(vm.spec, tenant_policy(*pass.tenant)).ok();
}

Result<VirtualMachineReconciler::Step> VirtualMachineReconciler::check_spec(Pass& pass) {
  // Before anything is read for the VM (its user-data Secret) or reserved: a Tenant claiming
  // the namespace wakes it (tenant_events).
  pass.facts.no_tenant = no_tenant_refusal(pass.vm.metadata.namespace_, pass.tenant.has_value(),
                                           options_.allow_unclaimed_namespaces);
  if (pass.facts.no_tenant) {
    if (pass.facts.quota_reserved && !may_exist_on_host(pass.vm))
      release_reservation(pass);
    pass.next = kube::ReconcileResult::done();
    return Step::kStop;
  }
  auto desired = desired_spec(pass);
  if (desired.ok()) {
    pass.desired = std::move(desired).value();
    return Step::kContinue;
  }
  if (desired.error().code() != ErrorCode::kInvalidArgument)
    return desired.error();
  pass.facts.invalid_spec = desired.error().message();
  // Nothing will be created until the spec changes: a reservation for a VM that does not exist
  // is given back; one that exists keeps holding what it takes.
  if (pass.facts.quota_reserved && !may_exist_on_host(pass.vm))
    release_reservation(pass);
  pass.next = kube::ReconcileResult::done();  // the next spec change brings it back
  return Step::kStop;
}

Result<VirtualMachineReconciler::Step> VirtualMachineReconciler::reserve(Pass& pass) {
  // Given back while no host fitted: reserved again only once one does.
  if (!pass.facts.quota_reserved && released_while_unschedulable(pass.vm.status.conditions)) {
    auto request = placement_request(pass.vm, pass.tenant ? &*pass.tenant : nullptr);
    if (!request.ok())
      return request.error();
    PlacementDecision decision;
    {
      std::lock_guard<std::mutex> placement_lock(ledger_.placement_lock());  // host_snapshots()
      decision = schedule(*request, host_snapshots(pass, *request));
    }
    if (!decision.host) {
      pass.facts.unschedulable = decision.message;
      pass.facts.released_unschedulable =
          released_while_unschedulable_message(options_.unschedulable_release_after);
      pass.next = kube::ReconcileResult::after(decision.awaiting.empty() ? options_.unschedulable
                                                                         : options_.in_progress);
      return Step::kStop;
    }
  }
  bool allowed = true;
  if (!pass.facts.quota_reserved)
    allowed = admit(pass);
  else if (!(vm_requested(pass.vm.spec) == to_amounts(*pass.vm.status.allocated)))
    allowed = resize_reservation(pass);
  if (allowed)
    return Step::kContinue;
  pass.next = kube::ReconcileResult::done();  // a Quota change re-enqueues the tenant's VMs
  return Step::kStop;
}

Result<VirtualMachineReconciler::Step> VirtualMachineReconciler::fail_over(Pass& pass) {
  if (pass.facts.host.empty())
    return Step::kContinue;
  const auto host = hosts_.get(pass.facts.host);
  if (!host)
    return Step::kContinue;  // reach_host says so
  FailoverInputs inputs;
  inputs.host = pass.facts.host;
  if (const auto* ready = k8s::find_condition(host->status.conditions, condition_type::kReady))
    inputs.ready = *ready;
  if (const auto* reachable =
          k8s::find_condition(host->status.conditions, condition_type::kReachable))
    inputs.reachable = *reachable;
  inputs.fenced = host->spec.fenced;
  inputs.availability = pass.vm.spec.availability;
  inputs.now = k8s::Time(clock_.wall_now());
  const FailoverPlan plan = plan_failover(inputs);
  if (plan.action == FailoverAction::kNone)
    return Step::kContinue;
  pass.host_lost = make_condition(condition_type::kHostLost, true, plan.reason, plan.message,
                                  pass.vm.metadata.generation);
  if (plan.action != FailoverAction::kFailOver) {
    // reach_host reports the host unreachable; the host's Ready or fenced flipping wakes the VM.
    if (plan.remaining) {
      pass.next = kube::ReconcileResult::after(std::min<kube::Duration>(
          std::chrono::duration_cast<kube::Duration>(*plan.remaining), options_.host_unreachable));
    }
    return Step::kContinue;
  }

  // Placed again as a new VM would be; the lost host is NotReady, so the scheduler passes it by.
  const std::string key = pass.vm.metadata.key();
  const std::string lost_host = pass.facts.host;
  pass.facts.host.clear();
  if (auto placed = place(pass); !placed.ok())
    return placed.error();
  if (pass.facts.host.empty()) {
    // No other host fits: the VM stays recorded on the lost host and tries again later.
    pass.facts.host = lost_host;
    pass.host_lost->reason = host_lost_reason::kFailoverPending;
    pass.host_lost->message =
        plan.message + " No other host fits yet: " + pass.facts.unschedulable.value_or("") + ".";
    pass.facts.host_unreachable = host_unreachable_reason(*host);
    return Step::kStop;
  }
  // One write records the new host, the stale copy and HostLost before the new host is asked
  // to create the VM (a named checkpoint: a restarted operator carries on from it). The VM is
  // created from its image: nothing of the lost host is reused.
  api::StaleCopy copy;
  copy.host = lost_host;
  copy.vm_id = pass.vm.status.vm_id;
  copy.since = inputs.now;
  record_stale_copy(pass.vm.status.stale_copies, copy);
  pass.vm.status.vm_id.clear();
  pass.vm.status.power_state.clear();
  pass.vm.status.ip_addresses.clear();
  pass.vm.status.restart.reset();  // a restart under way on the lost host is moot
  pass.facts.provisioned = false;
  pass.observed.reset();
  const std::string message = failover_message(lost_host, pass.facts.host, plan.message);
  pass.host_lost->message = message;
  if (auto written = write_status(pass); !written.ok())
    return written.error();
  spdlog::warn("vm_failed_over vm={} from={} to={}", key, lost_host, pass.facts.host);
  events_.record(pass.vm.to_json(), "Warning", "Failover", "Failover", message);
  pass.scheduled.reset();  // the Failover Event says where it went
  return Step::kContinue;
}

void VirtualMachineReconciler::remove_stale_copies(Pass& pass) {
  auto& copies = pass.vm.status.stale_copies;
  const std::string key = pass.vm.metadata.key();
  for (auto copy = copies.begin(); copy != copies.end();) {
    const auto host = hosts_.get(copy->host);
    if (!host) {
      // The host object is gone: nothing is left to call. Its copy goes with the host.
      spdlog::info("vm_stale_copy_dropped vm={} host={} reason=HostDeleted", key, copy->host);
      copy = copies.erase(copy);
      continue;
    }
    if (copy->host == pass.facts.host || host_unreachable_reason(*host)) {
      ++copy;  // its host event wakes the VM once it answers
      continue;
    }
    auto client = agent_client(secrets_, agents_, *host);
    auto permit = limiter_.try_acquire(copy->host);
    if (!client.ok() || !permit) {
      pass.next = kube::ReconcileResult::after(options_.agent_busy);
      ++copy;
      continue;
    }
    // DELETE turns the copy off if the host somehow runs it, and removes its disks; a copy the
    // host no longer holds is success.
    auto removed = client.value()->remove(pass.vm.metadata.uid);
    if (!removed.ok() || !removed->finished()) {
      spdlog::warn("vm_stale_copy_remove_pending vm={} host={} error=\"{}\"", key, copy->host,
                   removed.ok() ? "operation running" : removed.error().message);
      pass.next = kube::ReconcileResult::after(options_.in_progress);
      ++copy;
      continue;
    }
    spdlog::info("vm_stale_copy_removed vm={} host={} vmId={}", key, copy->host, copy->vm_id);
    events_.record(
        pass.vm.to_json(), "Normal", "StaleCopyRemoved", "Failover",
        "Removed the copy left on host " + copy->host + " by the failover; it was not started.");
    copy = copies.erase(copy);
  }
}

Result<VirtualMachineReconciler::Step> VirtualMachineReconciler::reach_host(Pass& pass) {
  const std::string& name = pass.facts.host;
  const auto host = hosts_.get(name);
  if (!host) {
    pass.facts.host_unreachable = "Host " + name + " does not exist.";
    return Step::kStop;
  }
  if (auto unreachable = host_unreachable_reason(*host)) {
    pass.facts.host_unreachable = std::move(unreachable);
    return Step::kStop;
  }
  auto client = agent_client(secrets_, agents_, *host);
  if (!client.ok()) {
    pass.facts.host_unreachable = client.error().message();
    return Step::kStop;
  }
  pass.agent = std::move(client).value();
  return Step::kContinue;
}

Result<VirtualMachineReconciler::Step> VirtualMachineReconciler::checkpoint(Pass& pass) {
  // The agent must never hold a VM whose reservation and host are not in etcd: a crash after
  // the agent call would otherwise lose track of where the VM went.
  if (!pass.holding_changed)
    return Step::kContinue;
  if (auto written = write_status(pass); !written.ok())
    return written.error();
  if (pass.scheduled) {
    // The one Event of a VM's way to Ready: where it went and why.
    events_.record(pass.vm.to_json(), "Normal", "Scheduled", "Schedule", *pass.scheduled);
  }
  return Step::kContinue;
}

Result<VirtualMachineReconciler::Step> VirtualMachineReconciler::give_back_if_failed(Pass& pass) {
  // The agent refused for good and holds no such VM: give the reservation (and the host's
  // capacity) back; the VM stays Failed until its spec changes.
  if (pass.facts.provision_failure && pass.facts.provision_failure->permanent &&
      !pass.facts.provisioned) {
    release_reservation(pass);
    pass.facts.reservation_released = true;
  }
  return Step::kContinue;
}

Result<kube::ReconcileResult> VirtualMachineReconciler::finalize(api::VirtualMachine vm) {
  const std::string key = vm.metadata.key();
  const auto position =
      std::find(vm.metadata.finalizers.begin(), vm.metadata.finalizers.end(), kVmFinalizer);
  if (position == vm.metadata.finalizers.end())
    return kube::ReconcileResult::done();

  // A host that no longer exists holds nothing to remove; an unreachable one keeps the VM (and
  // its finalizer) until it answers: nothing is assumed gone because a host is down.
  if (!vm.status.host.empty() && stores_.hosts.get(vm.status.host)) {
    Pass pass = begin(vm);
    if (auto reached = reach_host(pass); !reached.ok())
      return reached.error().with_context("virtualmachine " + key);
    if (!pass.agent)
      return wait_for_host(pass);
    // A delete (or any operation) still running on the agent is waited for (the poller wakes
    // the VM when it ends). A delete or release that succeeded is the end of it: asking again
    // would start another operation on a slow host (a PowerShell run outlasts the agent's wait)
    // and never end. After anything else DELETE is issued (again): it is idempotent, a missing
    // VM is success.
    bool done_on_host = false;
    if (const auto operation = operations_.find(vm.metadata.uid)) {
      if (operation->state == AgentOperations::State::kRunning)
        return kube::ReconcileResult::after(options_.operation_running);
      operations_.forget(vm.metadata.uid);
      done_on_host = operation->state == AgentOperations::State::kFinished &&
                     operation->kind == agent::OperationKind::kDelete &&
                     operation->operation.state == agent::OperationState::kSucceeded;
    }
    std::optional<HostCallLimiter::Permit> permit;
    if (!done_on_host) {
      permit = limiter_.try_acquire(pass.facts.host);
      if (!permit)
        return kube::ReconcileResult::after(options_.agent_busy);
    }
    const auto announce_left_host = [&] {
      if (vm.spec.deletion_policy == api::DeletionPolicy::kOrphan) {
        spdlog::info("vm_orphaned_on_host vm={} host={}", key, vm.status.host);
        events_.record(vm.to_json(), "Normal", "Orphaned", "Delete",
                       "Left the VM and its disks on host " + vm.status.host +
                           " without the owner marker (deletionPolicy Orphan).");
      } else {
        spdlog::info("vm_removed_from_host vm={} host={}", key, vm.status.host);
        events_.record(vm.to_json(), "Normal", "Deleted", "Delete",
                       "Removed the VM from host " + vm.status.host + ".");
      }
    };
    if (done_on_host) {
      announce_left_host();
    } else if (vm.spec.deletion_policy == api::DeletionPolicy::kOrphan) {
      // The VM and its disks stay on the host, unmanaged; the quota is freed with the finalizer.
      auto released = pass.agent->release(vm.metadata.uid);
      if (!released.ok()) {
        record_agent_error(pass.facts, released.error());
        if (pass.facts.host_unreachable)
          return wait_for_host(pass);
        return Error(ErrorCode::kUnavailable,
                     "virtualmachine " + key + ": orphan: " + released.error().message);
      }
      if (!released->finished()) {
        track(pass, released.value());
        return kube::ReconcileResult::after(options_.operation_running);
      }
      announce_left_host();
    } else {
      // The guest is shut down per spec.shutdown first (graceful, turned off at the timeout), so
      // a delete does not pull the plug on a guest that could have flushed its disks.
      auto stopped = stop_before_delete(pass);
      if (!stopped.ok()) {
        if (pass.facts.host_unreachable)
          return wait_for_host(pass);
        return stopped.error().with_context("virtualmachine " + key);
      }
      if (*stopped)
        return kube::ReconcileResult::after(options_.in_progress);
      auto removed = pass.agent->remove(vm.metadata.uid);
      if (!removed.ok()) {
        record_agent_error(pass.facts, removed.error());
        if (pass.facts.host_unreachable)
          return wait_for_host(pass);
        return Error(ErrorCode::kUnavailable,
                     "virtualmachine " + key + ": delete: " + removed.error().message);
      }
      if (!removed->finished()) {
        track(pass, removed.value());
        return kube::ReconcileResult::after(options_.operation_running);
      }
      announce_left_host();
    }
  }

  // Only the finalizer, and only from the version this pass looked at.
  const auto index = std::to_string(position - vm.metadata.finalizers.begin());
  const k8s::Json patch =
      k8s::Json::array({{{"op", "test"},
                         {"path", "/metadata/resourceVersion"},
                         {"value", vm.metadata.resource_version}},
                        {{"op", "remove"}, {"path", "/metadata/finalizers/" + index}}});
  auto patched = api_.json_patch(kVirtualMachines, vm.metadata.namespace_, vm.metadata.name, patch);
  if (!patched.ok() && patched.error().code() != ErrorCode::kNotFound)
    return patched.error().with_context("virtualmachine " + key + ": remove finalizer");
  return kube::ReconcileResult::done();
}

Result<kube::ReconcileResult> VirtualMachineReconciler::wait_for_host(Pass& pass) {
  // The status says why the VM is still there (Ready=False HostUnreachable, the host named; one
  // Warning Event when it starts waiting); the host's Reachable or Ready flipping back wakes the
  // VM at once (event_routing.h), and this visit is only a safety net. Returned as a requeue, not
  // an error: the wait follows the host, not a growing per-key backoff.
  const std::string key = pass.vm.metadata.key();
  pass.facts.deleting = true;
  spdlog::warn("vm_delete_waits_for_host vm={} host={} error={}", key, pass.facts.host,
               pass.facts.host_unreachable.value_or(""));
  if (auto written = write_status(pass); !written.ok())
    return written.error();
  return kube::ReconcileResult::after(options_.host_unreachable);
}

Result<api::VirtualMachine> VirtualMachineReconciler::ensure_finalizer(api::VirtualMachine vm) {
  if (vm.metadata.has_finalizer(kVmFinalizer))
    return vm;
  // A JSON patch sends only the finalizer; the test op makes it fail (and the pass retry from
  // the cache) if the VM changed since this pass read it, as a guarded update would.
  const k8s::Json test = {{"op", "test"},
                          {"path", "/metadata/resourceVersion"},
                          {"value", vm.metadata.resource_version}};
  const k8s::Json add =
      vm.metadata.finalizers.empty()
          ? k8s::Json{{"op", "add"},
                      {"path", "/metadata/finalizers"},
                      {"value", k8s::Json::array({kVmFinalizer})}}
          : k8s::Json{{"op", "add"}, {"path", "/metadata/finalizers/-"}, {"value", kVmFinalizer}};
  const std::string key = vm.metadata.key();
  auto patched = api_.json_patch(kVirtualMachines, vm.metadata.namespace_, vm.metadata.name,
                                 k8s::Json::array({test, add}));
  if (!patched.ok())
    return patched.error().with_context("virtualmachine " + key + ": add finalizer");
  const std::string patched_version =
      patched->value(k8s::Json::json_pointer("/metadata/resourceVersion"), std::string());
  ledger_.wrote(key, vm.metadata.resource_version, patched_version);
  // The test op proved nothing else changed: the VM is the one read plus the finalizer.
  vm.metadata.finalizers.push_back(kVmFinalizer);
  vm.metadata.resource_version = patched_version;
  return vm;
}

bool VirtualMachineReconciler::may_exist_on_host(const api::VirtualMachine& vm) {
  if (!vm.status.vm_id.empty() || k8s::is_true(vm.status.conditions, condition_type::kProvisioned))
    return true;
  return operation_in_flight(vm.metadata.uid);  // an ensure may be creating it right now
}

void VirtualMachineReconciler::expect_holding(Pass& pass) {
  VmHolding holding;
  holding.ns = pass.vm.metadata.namespace_;
  holding.host = pass.vm.status.host;
  holding.anti_affinity_group = pass.vm.spec.placement.anti_affinity_group;
  holding.provisioned = pass.facts.provisioned;
  if (pass.facts.quota_reserved && pass.vm.status.allocated) {
    holding.amounts = to_amounts(*pass.vm.status.allocated);
    holding.usage = quota_usage(holding.amounts);
  }
  auto previous = ledger_.expect(pass.vm.metadata.key(), holding);
  if (!pass.holding_changed)
    pass.expected_before = std::move(previous);
  pass.holding_changed = true;
}

void VirtualMachineReconciler::release_reservation(Pass& pass) {
  spdlog::info("vm_quota_released vm={} host={}", pass.vm.metadata.key(), pass.vm.status.host);
  pass.vm.status.allocated.reset();
  pass.vm.status.host.clear();
  pass.facts.quota_reserved = false;
  pass.facts.host.clear();
  expect_holding(pass);
}

Result<agent::VmSpec> VirtualMachineReconciler::desired_spec(const Pass& pass) {
  // The API's semantic validation first (what the CRD schema cannot express, e.g. memory in
  // multiples of 2Mi), so its field paths name the problem, not the agent's wording.
  if (const k8s::FieldErrors problems = api::validate(pass.vm); !problems.empty())
    return Error(ErrorCode::kInvalidArgument, k8s::join(problems));
  auto data = user_data(pass.vm);
  if (!data.ok())
    return data.error();
  auto spec = desired_vm_spec(pass.vm, *data, agent::PowerIntent::kUnchanged);
  if (!spec.ok())
    return spec.error();
  if (pass.tenant) {
    if (auto allowed = check_tenant_policy(pass.vm.spec, tenant_policy(*pass.tenant));
        !allowed.ok())
      return allowed.error();
  }
  if (auto placement = placement_request(pass.vm, pass.tenant ? &*pass.tenant : nullptr);
      !placement.ok())
    return placement.error();
  return spec;
}

Result<std::optional<std::string>> VirtualMachineReconciler::user_data(
    const api::VirtualMachine& vm) {
  const auto& cloud_init = vm.spec.cloud_init;
  if (!cloud_init)
    return std::optional<std::string>();
  if (cloud_init->user_data)
    return std::optional<std::string>(*cloud_init->user_data);
  if (!cloud_init->user_data_secret_ref)
    return std::optional<std::string>(std::string());

  const auto& ref = *cloud_init->user_data_secret_ref;
  const std::string field = "spec.cloudInit.userDataSecretRef";
  const std::string where = vm.metadata.namespace_ + "/" + ref.name;
  auto secret = api_.get(kSecrets, vm.metadata.namespace_, ref.name);
  if (!secret.ok()) {
    if (secret.error().code() == ErrorCode::kNotFound)
      return Error(ErrorCode::kInvalidArgument, field + ": secret " + where + " not found");
    return secret.error().with_context(field + ": secret " + where);
  }
  const auto data = secret->value("data", k8s::Json::object());
  const std::string encoded = data.value(ref.key, std::string());
  auto decoded = kube::base64_decode(encoded);
  if (encoded.empty() || !decoded) {
    return Error(ErrorCode::kInvalidArgument,
                 field + ": secret " + where + " has no key " + ref.key);
  }
  return std::optional<std::string>(std::move(*decoded));
}

std::vector<QuotaSnapshot> VirtualMachineReconciler::tenant_quotas(
    const std::string& tenant) const {
  std::vector<QuotaSnapshot> quotas;
  for (const auto& quota : caches_.quotas_of_tenant(tenant)) {
    if (auto snapshot = quota_snapshot(quota); snapshot.ok())
      quotas.push_back(std::move(snapshot).value());
  }
  return quotas;
}

QuotaUsed VirtualMachineReconciler::tenant_usage(const api::Tenant& tenant,
                                                 const HostLabels& labels,
                                                 const std::string& except) const {
  const std::vector<std::string> namespaces = caches_.namespaces_of_tenant(tenant);
  const std::optional<VmHolding> own = ledger_.holding(except);
  return [this, namespaces, own, &labels](const QuotaSnapshot& quota) {
    const auto counts = [&](const std::string& host) {
      return quota_counts_host(quota, host, labels);
    };
    QuotaUsage used = ledger_.reserved(namespaces, counts);
    // The VM's own current reservation is replaced by what it asks for, not added to.
    if (own && own->usage && counts(own->host))
      used -= *own->usage;
    return used;
  };
}

bool VirtualMachineReconciler::admit(Pass& pass) {
  const std::string key = pass.vm.metadata.key();
  const ResourceAmounts requested = vm_requested(pass.vm.spec);
  const std::string tenant = pass.tenant ? pass.tenant->metadata.name : "";

  // One admission per tenant at a time; the ledger counts reservations the cache may not show
  // yet. Host-scoped quotas are checked per candidate host when placing.
  std::unique_lock<std::mutex> lock(ledger_.tenant_lock(tenant), std::defer_lock);
  if (pass.tenant) {
    lock.lock();
    const HostLabels no_host;
    if (auto denial =
            check_admission_with_usage(tenant, quota_usage(requested), "", tenant_quotas(tenant),
                                       tenant_usage(*pass.tenant, no_host, key), no_host)) {
      pass.facts.quota_exceeded = denial->message;
      return false;
    }
  }
  pass.vm.status.allocated = to_api(requested);
  pass.facts.quota_reserved = true;
  expect_holding(pass);  // counted from now on; written at the checkpoint, without the lock
  spdlog::info("vm_quota_reserved vm={} tenant={} cpu={} memory={}", key, tenant, requested.cpu,
               format_bytes(requested.memory));
  return true;
}

bool VirtualMachineReconciler::resize_reservation(Pass& pass) {
  const std::string key = pass.vm.metadata.key();
  const ResourceAmounts requested = vm_requested(pass.vm.spec);
  const ResourceAmounts current = to_amounts(*pass.vm.status.allocated);
  const bool grows = requested.cpu > current.cpu || requested.memory > current.memory ||
                     requested.storage > current.storage;
  const std::string tenant = pass.tenant ? pass.tenant->metadata.name : "";

  std::unique_lock<std::mutex> lock(ledger_.tenant_lock(tenant), std::defer_lock);
  if (pass.tenant && grows) {
    lock.lock();
    // The new size against every quota of the tenant, the host-scoped ones of its host too.
    const HostLabels labels = caches_.host_labels();
    if (auto denial = check_admission_with_usage(tenant, quota_usage(requested),
                                                 pass.vm.status.host, tenant_quotas(tenant),
                                                 tenant_usage(*pass.tenant, labels, key), labels)) {
      pass.facts.growth_exceeded = denial->message;
      return false;
    }
  }
  pass.vm.status.allocated = to_api(requested);
  expect_holding(pass);
  spdlog::info("vm_quota_resized vm={} tenant={} cpu={} memory={}", key, tenant, requested.cpu,
               format_bytes(requested.memory));
  return true;
}

const std::vector<HostSnapshot>& VirtualMachineReconciler::host_snapshots(
    const Pass& pass, const PlacementRequest& request) {
  const std::string key = pass.vm.metadata.key();
  const std::string tenant = pass.tenant ? pass.tenant->metadata.name : "";
  // Quotas scoped to hosts by a hostSelector hold per candidate host.
  std::vector<QuotaSnapshot> scoped;
  if (pass.tenant) {
    for (auto& quota : tenant_quotas(tenant)) {
      if (quota.host_scope)
        scoped.push_back(std::move(quota));
    }
  }
  const HostLabels labels = scoped.empty() ? HostLabels() : caches_.host_labels();
  const QuotaUsed used = scoped.empty() ? QuotaUsed() : tenant_usage(*pass.tenant, labels, key);

  // Spread balances the namespace's VMs over zones: one ledger call, then a lookup per host.
  const std::map<std::string, std::int64_t> namespace_vms =
      request.strategy == PlacementStrategy::kSpread
          ? ledger_.vms_by_host(pass.vm.metadata.namespace_)
          : std::map<std::string, std::int64_t>();
  const k8s::Time now(clock_.wall_now());
  const std::vector<HostSnapshots::HostPtr> hosts = hosts_.all();
  std::vector<HostSnapshot>& snapshots = snapshots_.update(hosts);
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    const api::HyperVHost& host = *hosts[i];
    HostSnapshot& snapshot = snapshots[i];
    const std::string& name = snapshot.name;
    snapshot.allocated = ledger_.allocated(name);  // what the VMs placed there take (O(1))
    snapshot.anti_affinity_groups.clear();
    if (!request.anti_affinity_group.empty() &&
        ledger_.runs_group(name, request.anti_affinity_group))
      snapshot.anti_affinity_groups.insert(request.anti_affinity_group);
    const auto placed = namespace_vms.find(name);
    snapshot.namespace_vms = placed != namespace_vms.end() ? placed->second : 0;
    snapshot.awaiting_first_report =
        !k8s::find_condition(host.status.conditions, condition_type::kReady) &&
        host.metadata.creation_timestamp &&
        now.time_point() - host.metadata.creation_timestamp->time_point() <
            options_.first_report_grace;
    snapshot.quota_denial.reset();
    if (!scoped.empty()) {
      if (auto denial = check_admission_with_usage(tenant, quota_usage(request.requested), name,
                                                   scoped, used, labels))
        snapshot.quota_denial = denial->message;
    }
  }
  return snapshots;
}

Result<VirtualMachineReconciler::Step> VirtualMachineReconciler::place(Pass& pass) {
  if (!pass.facts.host.empty())
    return Step::kContinue;
  const std::string key = pass.vm.metadata.key();
  auto request = placement_request(pass.vm, pass.tenant ? &*pass.tenant : nullptr);
  if (!request.ok())
    return request.error();
  const std::string tenant = pass.tenant ? pass.tenant->metadata.name : "";

  // The tenant's lock first (as in admit()): host-scoped quotas count the tenant's placements.
  // Then the placement lock, so two VMs never both take a host's last room; the ledger counts
  // the choice at once and the write happens at the checkpoint, without the locks.
  std::unique_lock<std::mutex> tenant_lock(ledger_.tenant_lock(tenant), std::defer_lock);
  if (pass.tenant)
    tenant_lock.lock();
  std::lock_guard<std::mutex> placement_lock(ledger_.placement_lock());
  const PlacementDecision decision = schedule(*request, host_snapshots(pass, *request));
  if (!decision.host) {
    pass.facts.unschedulable = decision.message;
    // A host about to report is seconds away; a full cluster changes when VMs or hosts do.
    kube::Duration wait = decision.awaiting.empty() ? options_.unschedulable : options_.in_progress;
    if (decision.awaiting.empty() && !may_exist_on_host(pass.vm)) {
      const auto release =
          decide_unschedulable_release(pass.vm.status.conditions, k8s::Time(clock_.wall_now()),
                                       options_.unschedulable_release_after);
      if (release.release) {
        release_reservation(pass);
        pass.facts.released_unschedulable =
            released_while_unschedulable_message(options_.unschedulable_release_after);
      } else if (release.remaining) {
        wait = std::min(wait, *release.remaining);
      }
    }
    pass.next = kube::ReconcileResult::after(wait);
    return Step::kStop;
  }
  pass.vm.status.host = *decision.host;
  pass.facts.host = *decision.host;
  expect_holding(pass);
  spdlog::info("vm_scheduled vm={} host={} strategy={}", key, *decision.host,
               api::to_string(pass.vm.spec.placement.strategy));
  pass.scheduled = decision.message;
  return Step::kContinue;
}

bool VirtualMachineReconciler::operation_in_flight(const std::string& uid) const {
  const auto operation = operations_.find(uid);
  return operation && operation->state == AgentOperations::State::kRunning;
}

void VirtualMachineReconciler::track(const Pass& pass, const agent::Operation& operation) {
  if (operation.id.empty())
    return;  // nothing to poll: the next pass looks at the VM itself
  spdlog::info("vm_operation_pending vm={} host={} operation={} kind={}", pass.vm.metadata.key(),
               pass.facts.host, operation.id, agent::to_string(operation.kind));
  operations_.track(pass.vm.metadata.key(), pass.vm.metadata.uid, pass.facts.host, pass.agent,
                    operation);
}

VirtualMachineReconciler::OperationPoll VirtualMachineReconciler::take_operation(
    Pass& pass, std::optional<agent::VmStatus>& finished_vm) {
  const std::string& uid = pass.vm.metadata.uid;
  const auto operation = operations_.find(uid);
  if (!operation)
    return OperationPoll::kNone;
  if (operation->host != pass.facts.host) {
    operations_.forget(uid);
    return OperationPoll::kNone;
  }
  switch (operation->state) {
    case AgentOperations::State::kRunning:
      return OperationPoll::kRunning;
    case AgentOperations::State::kForgotten:
      // The agent no longer knows it (restarted, or retention passed): look at the VM itself
      // and re-issue what is still needed; ensure and delete are idempotent.
      operations_.forget(uid);
      return OperationPoll::kNone;
    case AgentOperations::State::kUnreachable:
      operations_.forget(uid);
      if (operation->error)
        record_agent_error(pass.facts, *operation->error);
      return OperationPoll::kUnknown;
    case AgentOperations::State::kFinished:
      break;
  }
  operations_.forget(uid);
  const agent::Operation& finished = operation->operation;
  if (finished.state == agent::OperationState::kFailed) {
    AgentError error;
    error.host = pass.facts.host;
    error.operation = agent::to_string(finished.kind);
    error.failure = AgentFailure::kRejected;
    const agent::ErrorBody body = finished.error.value_or(
        agent::make_error(agent::AgentErrorCode::kInternal, "operation failed without an error"));
    error.code = body.code;
    error.message = "host " + pass.facts.host + ": " + error.operation + ": " +
                    agent::to_string(body.code) + ": " + body.message;
    spdlog::warn("vm_operation_failed vm={} host={} operation={} code={}", pass.vm.metadata.key(),
                 pass.facts.host, finished.id, error.code_label());
    record_agent_error(pass.facts, error);
    return OperationPoll::kFailed;
  }
  if (finished.ensure_result) {
    on_ensured(pass, *finished.ensure_result);
    finished_vm = finished.ensure_result->vm;
    bool drift_ensure = false;
    {
      std::lock_guard<std::mutex> lock(drift_mu_);
      drift_ensure = drift_ensures_.erase(uid) > 0;
    }
    if (drift_ensure)
      record_drift_corrected(events_, pass.vm, pass.facts.host, *finished.ensure_result);
  } else if (finished.vm) {
    finished_vm = finished.vm;
  }
  return OperationPoll::kSucceeded;
}

void VirtualMachineReconciler::observe(Pass& pass, const agent::VmStatus& vm) {
  pass.observed = vm;
  pass.facts.provisioned = true;
  pass.facts.power = vm.state;
  pass.facts.raw_power_state = vm.raw_state;
  pass.facts.restart_required_fields = vm.restart_required_fields;
}

Status VirtualMachineReconciler::apply_power(Pass& pass, AgentClient& agent) {
  auto restarted = run_restart(pass, agent);
  if (!restarted.ok())
    return restarted.error();
  if (*restarted)
    return OkStatus();
  PowerInputs inputs;
  inputs.run_strategy = pass.vm.spec.run_strategy;
  inputs.observed = pass.observed->state;
  inputs.has_run_before = has_run_before(pass.vm);
  inputs.restart_requested_at = pass.vm.spec.restart_requested_at;
  inputs.last_restart_time = pass.vm.status.last_restart_time;
  inputs.shutdown_mode = pass.vm.spec.shutdown.mode;
  inputs.shutdown_timeout_seconds = pass.vm.spec.shutdown.timeout_seconds;
  const PowerPlan plan = plan_power(inputs);

  if (plan.request) {
    auto powered = agent.power(pass.vm.metadata.uid, *plan.request);
    if (!powered.ok()) {
      record_agent_error(pass.facts, powered.error());
      return OkStatus();
    }
    const char* action = agent::to_string(plan.request->action);
    spdlog::info("vm_power vm={} action={} reason={}", pass.vm.metadata.key(), action, plan.reason);
    events_.record(pass.vm.to_json(), "Normal", power_event_reason(plan.request->action), "Power",
                   std::string("Power action ") + action + " (" + plan.reason + ").");
    if (powered->finished() && powered->vm) {
      observe(pass, *powered->vm);
    } else {
      track(pass, powered.value());
      pass.facts.operation_pending = true;
    }
  }
  if (plan.restart_acknowledged)
    pass.vm.status.last_restart_time = plan.restart_acknowledged;
  return OkStatus();
}

void VirtualMachineReconciler::on_ensured(Pass& pass, const agent::EnsureResult& result) {
  // A disk the spec shrank: never done (data loss). Said on the field, as admission would (the
  // CRD's rule refuses it where the API server evaluates CEL).
  for (const auto& field : result.unsupported_fields) {
    const std::string suffix = "].sizeBytes";
    if (field.rfind("disks[", 0) != 0 || field.size() <= suffix.size() ||
        field.compare(field.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    pass.facts.invalid_spec =
        "spec." + field.substr(0, field.size() - suffix.size() + 1) +
        ".size: a disk cannot shrink (data would be lost); the disk on host " + pass.facts.host +
        " is larger. Grow it or add another disk.";
  }
  // A first creation is told by the Scheduled Event and the status; a VM created again because
  // it vanished from its host is news a person should see.
  if (!result.created || pass.vm.status.vm_id.empty())
    return;
  spdlog::info("vm_created vm={} host={} recreated=true", pass.vm.metadata.key(), pass.facts.host);
  events_.record(pass.vm.to_json(), "Warning", "Recreated", "Provision",
                 "The VM was missing from host " + pass.facts.host + " and was created again.");
}

Result<VirtualMachineReconciler::Step> VirtualMachineReconciler::converge(Pass& pass) {
  const agent::VmSpec& desired = *pass.desired;
  const std::string& uid = pass.vm.metadata.uid;
  // An operation an earlier pass left running is followed by the poller, never issued again
  // while it runs: a long create holds no worker and piles up no ensures on the agent.
  std::optional<agent::VmStatus> observed;
  const OperationPoll poll = take_operation(pass, observed);
  if (poll == OperationPoll::kRunning) {
    pass.next = kube::ReconcileResult::after(options_.operation_running);
    return Step::kDefer;
  }
  if (poll == OperationPoll::kUnknown) {
    pass.facts.provisioned = !pass.vm.status.vm_id.empty();
    return Step::kContinue;
  }
  auto permit = limiter_.try_acquire(pass.facts.host);
  if (!permit) {
    pass.next = kube::ReconcileResult::after(options_.agent_busy);
    return Step::kDefer;
  }
  AgentClient& agent = *pass.agent;

  // The VM as the agent holds it: from the operation that just ended, else asked for, unless it
  // was never created and is not being created (the ensure answers for it).
  if (!observed && (poll != OperationPoll::kNone || may_exist_on_host(pass.vm))) {
    auto found = agent.vm(uid);
    if (!found.ok()) {
      record_agent_error(pass.facts, found.error());
      return Step::kContinue;
    }
    observed = found.value();
  }
  if (poll == OperationPoll::kFailed) {
    // The failure is in the facts; a retryable one is issued again on the next pass, a
    // permanent one waits for a spec change.
    if (observed)
      observe(pass, *observed);
    else
      pass.facts.provisioned = false;
    return Step::kContinue;
  }

  if (ensure_needed(observed, desired)) {
    const bool drift = observed && observed->config_drift;
    agent::VmSpec spec = desired;
    spec.power = ensure_power_intent(pass.vm.spec.run_strategy, observed.has_value());
    auto ensured = agent.ensure(spec);
    if (!ensured.ok()) {
      pass.facts.provisioned = observed.has_value();
      record_agent_error(pass.facts, ensured.error());
      return Step::kContinue;
    }
    if (!ensured->finished() || !ensured->ensure_result) {
      track(pass, ensured.value());
      if (drift) {  // the Event waits for the operation's result (take_operation)
        std::lock_guard<std::mutex> lock(drift_mu_);
        drift_ensures_.insert(uid);
      }
      pass.facts.provisioned = observed.has_value();
      if (observed)
        observe(pass, *observed);
      pass.facts.operation_pending = true;
      return Step::kContinue;
    }
    on_ensured(pass, *ensured->ensure_result);
    observed = ensured->ensure_result->vm;
    if (drift)
      record_drift_corrected(events_, pass.vm, pass.facts.host, *ensured->ensure_result);
  }

  observe(pass, *observed);
  if (auto powered = apply_power(pass, agent); !powered.ok())
    return powered.error();
  return Step::kContinue;
}

Status VirtualMachineReconciler::write_status(Pass& pass) {
  const std::string key = pass.vm.metadata.key();
  const VmAssessment assessment = assess_vm(pass.facts);
  api::VirtualMachineStatus status = pass.vm.status;
  status.phase = assessment.phase;
  status.observed_generation = pass.vm.metadata.generation;
  if (pass.observed) {
    status.vm_id = pass.observed->vm_id;
    status.power_state = power_state_text(*pass.observed);
    status.ip_addresses = pass.observed->ip_addresses;
  }
  apply_conditions(status.conditions, assessment.conditions, k8s::Time(clock_.wall_now()));
  if (auto host_lost = next_host_lost(status.conditions, pass.host_lost, status.stale_copies,
                                      pass.vm.metadata.generation))
    apply_conditions(status.conditions, {*host_lost}, k8s::Time(clock_.wall_now()));

  k8s::Json after;
  api::encode(after, status);
  if (after == pass.stored_status) {
    if (pass.holding_changed) {
      // Nothing to write after all: what the VM holds is what it held.
      ledger_.withdraw(key, pass.expected_before);
      pass.holding_changed = false;
    }
    return OkStatus();
  }

  const std::string old_reason = ready_reason(pass.vm);
  const bool was_warning = needs_attention(pass.vm);
  // A delete that starts waiting for its host is news even when the host was already down.
  const bool delete_blocked = pass.facts.deleting && pass.facts.host_unreachable &&
                              pass.vm.status.phase != VirtualMachinePhase::kDeleting;
  std::swap(pass.vm.status, status);  // `status` holds the stored one until the write is in
  auto written = api_.update_status(kVirtualMachines, pass.vm.to_json());
  if (!written.ok()) {
    std::swap(pass.vm.status, status);
    if (pass.holding_changed)
      ledger_.withdraw(key, pass.expected_before);
    pass.holding_changed = false;
    return written.error().with_context("virtualmachine " + key + ": write status");
  }
  const std::string written_version =
      written->value(k8s::Json::json_pointer("/metadata/resourceVersion"), std::string());
  ledger_.wrote(key, pass.vm.metadata.resource_version, written_version);
  pass.holding_changed = false;
  // The server stores a status update's status as sent (the CRD gives status no defaults:
  // CrdIdentity.StatusHasNoDefaults), so the pass goes on with what it wrote
  // and the new resourceVersion rather than decoding the whole answer again.
  pass.vm.metadata.resource_version = written_version;
  pass.stored_status = std::move(after);

  const std::string new_reason = ready_reason(pass.vm);
  if (new_reason != old_reason || delete_blocked) {
    const auto* ready = k8s::find_condition(pass.vm.status.conditions, condition_type::kReady);
    const bool warning = is_warning(assessment, new_reason);
    spdlog::info("vm_status_changed vm={} phase={} ready={} reason={}", key,
                 api::to_string(assessment.phase),
                 ready && ready->status == k8s::ConditionStatus::kTrue, new_reason);
    // Events for what a person should look at, and for the end of it; the steps of normal
    // progress (Scheduling, Provisioning, Running) are in the status, not in Events.
    if (warning || was_warning) {
      events_.record(*written, warning ? "Warning" : "Normal", new_reason, "Reconcile",
                     ready ? ready->message : "");
    }
  }
  return OkStatus();
}

kube::ReconcileResult VirtualMachineReconciler::next_visit(const Pass& pass) const {
  if (pass.next)
    return *pass.next;
  if (pass.facts.host_unreachable)
    return kube::ReconcileResult::after(options_.host_unreachable);
  const VmAssessment assessment = assess_vm(pass.facts);
  if (k8s::is_true(assessment.conditions, condition_type::kStalled))
    return kube::ReconcileResult::done();
  // The poller wakes the VM when its operation ends.
  if (pass.facts.operation_pending)
    return kube::ReconcileResult::after(options_.operation_running);
  if (k8s::is_true(assessment.conditions, condition_type::kReconciling))
    return kube::ReconcileResult::after(options_.in_progress);
  // Settled: the host poll's inventory wakes the VM if it drifts (note_drift).
  return kube::ReconcileResult::done();
}

// ---- Day-2: the restart sequence (restart_sequence.h) and rolling restarts of a group ----

Result<bool> VirtualMachineReconciler::run_restart(Pass& pass, AgentClient& agent) {
  const api::VirtualMachine& vm = pass.vm;
  RestartInputs inputs;
  inputs.progress = vm.status.restart;
  inputs.observed = pass.observed->state;
  inputs.uptime_seconds = pass.observed->uptime_seconds;
  inputs.pending_fields = pass.observed->restart_required_fields;
  inputs.restart_requested =
      restart_pending(vm.spec.restart_requested_at, vm.status.last_restart_time);
  inputs.update_strategy = vm.spec.update_strategy.type;
  inputs.run_strategy = vm.spec.run_strategy;
  inputs.now = k8s::Time(clock_.wall_now());
  // Checked and claimed in one step, so two workers never both find the group free.
  const bool automatic_candidate = inputs.update_strategy == api::UpdateStrategyType::kAutomatic &&
                                   !inputs.progress && !inputs.pending_fields.empty() &&
                                   inputs.observed == agent::VmState::kRunning;
  if (automatic_candidate)
    inputs.group_busy = !claim_group_if_free(pass);
  const RestartPlan plan = plan_restart(inputs);
  if (automatic_candidate && !inputs.group_busy && plan.step != RestartStep::kBegin)
    release_group(pass);
  const std::string key = vm.metadata.key();
  if (plan.step != RestartStep::kNone) {
    spdlog::debug("vm_restart_step vm={} step={} reason={}", key, to_string(plan.step),
                  plan.reason);
  }

  agent::PowerRequest stop;
  stop.action = vm.spec.shutdown.mode == api::ShutdownMode::kTurnOff
                    ? agent::PowerAction::kTurnOff
                    : agent::PowerAction::kShutdown;
  stop.timeout_seconds = vm.spec.shutdown.timeout_seconds;
  const auto ask_stop = [&]() {
    auto powered = agent.power(vm.metadata.uid, stop);
    if (!powered.ok()) {
      record_agent_error(pass.facts, powered.error());
      return;
    }
    if (powered->finished() && powered->vm) {
      observe(pass, *powered->vm);
    } else {
      track(pass, powered.value());
      pass.facts.operation_pending = true;
    }
    pass.next = kube::ReconcileResult::after(options_.in_progress);
  };

  switch (plan.step) {
    case RestartStep::kNone:
      return false;
    case RestartStep::kHeldByGroup:
      // Another member of the group is down: come back once it is up (its status change does
      // not enqueue this VM).
      pass.next = kube::ReconcileResult::after(options_.in_progress);
      return false;
    case RestartStep::kBegin: {
      // The progress reaches etcd before the shutdown is asked for: an operator restarted after
      // this point finds it and carries on.
      api::RestartProgress progress;
      progress.phase = kRestartShuttingDown;
      progress.reason = plan.reason;
      progress.started_at = inputs.now;
      progress.fields = inputs.pending_fields;
      pass.vm.status.restart = progress;
      if (auto written = write_status(pass); !written.ok()) {
        release_group(pass);
        return written.error();
      }
      spdlog::info("vm_restart_begin vm={} reason={} fields=\"{}\"", key, plan.reason,
                   join_fields(progress.fields));
      events_.record(pass.vm.to_json(), "Normal", "Restarting", "Restart",
                     "Restarting (" + plan.reason + ") to apply " + join_fields(progress.fields) +
                         ": shutdown " + api::to_string(vm.spec.shutdown.mode) + ", timeout " +
                         std::to_string(vm.spec.shutdown.timeout_seconds) + "s.");
      ask_stop();
      return true;
    }
    case RestartStep::kShutdown:
      ask_stop();
      return true;
    case RestartStep::kWait:
      pass.next = kube::ReconcileResult::after(options_.in_progress);
      return true;
    case RestartStep::kDone:
      finish_restart(pass, "started");
      return true;
    case RestartStep::kEnsureAndStart:
      if (send_ensure(pass, agent, restart_power_intent(vm.spec.run_strategy, true))) {
        finish_restart(
            pass, "applied " + join_fields(vm.status.restart->fields) + " while off, then started");
      }
      return true;
    case RestartStep::kApplyWhileOff:
      send_ensure(pass, agent, restart_power_intent(vm.spec.run_strategy, false));
      return true;
  }
  return false;
}

bool VirtualMachineReconciler::send_ensure(Pass& pass, AgentClient& agent,
                                           agent::PowerIntent power) {
  agent::VmSpec spec = *pass.desired;
  spec.power = power;
  auto ensured = agent.ensure(spec);
  if (!ensured.ok()) {
    record_agent_error(pass.facts, ensured.error());
    return false;
  }
  if (!ensured->finished() || !ensured->ensure_result) {
    track(pass, ensured.value());
    pass.facts.operation_pending = true;
    return false;
  }
  observe(pass, ensured->ensure_result->vm);
  return true;
}

void VirtualMachineReconciler::finish_restart(Pass& pass, const std::string& how) {
  const std::string reason =
      pass.vm.status.restart ? pass.vm.status.restart->reason : std::string(kRestartRequested);
  if (restart_pending(pass.vm.spec.restart_requested_at, pass.vm.status.last_restart_time))
    pass.vm.status.last_restart_time = pass.vm.spec.restart_requested_at;
  pass.vm.status.restart.reset();
  release_group(pass);
  spdlog::info("vm_restart_done vm={} reason={} how=\"{}\"", pass.vm.metadata.key(), reason, how);
  events_.record(pass.vm.to_json(), "Normal", "Restarted", "Restart",
                 "Restarted (" + reason + "): " + how + ".");
}

bool VirtualMachineReconciler::claim_group_if_free(const Pass& pass) {
  const std::string& group = pass.vm.spec.placement.anti_affinity_group;
  if (group.empty())
    return true;
  const std::string self = pass.vm.metadata.key();
  // Held across the cache reads (no I/O): the check and the claim are one step.
  std::lock_guard<std::mutex> lock(groups_mu_);
  const auto claimed = restarting_in_group_.find(group);
  if (claimed != restarting_in_group_.end() && claimed->second != self &&
      stores_.vms.get(claimed->second))
    return false;
  for (const auto& object : stores_.vms.by_index(kVmsByAntiAffinityGroup, group)) {
    auto member = api::VirtualMachine::from_json(*object);
    if (!member.ok() || member->metadata.key() == self || member->metadata.is_being_deleted())
      continue;
    if (member->status.restart ||
        (!member->status.vm_id.empty() &&
         !k8s::is_true(member->status.conditions, condition_type::kReady)))
      return false;
  }
  restarting_in_group_[group] = self;
  return true;
}

void VirtualMachineReconciler::release_group(const Pass& pass) {
  const std::string& group = pass.vm.spec.placement.anti_affinity_group;
  std::lock_guard<std::mutex> lock(groups_mu_);
  const auto claimed = restarting_in_group_.find(group);
  if (claimed != restarting_in_group_.end() && claimed->second == pass.vm.metadata.key())
    restarting_in_group_.erase(claimed);
}

Result<bool> VirtualMachineReconciler::stop_before_delete(Pass& pass) {
  const api::VirtualMachine& vm = pass.vm;
  AgentClient& agent = *pass.agent;
  auto found = agent.vm(vm.metadata.uid);
  if (!found.ok()) {
    record_agent_error(pass.facts, found.error());  // an unreachable host: finalize waits for it
    return Error(ErrorCode::kUnavailable, "delete: " + found.error().message);
  }
  if (!found->has_value())
    return false;
  const agent::VmState state = found.value()->state;
  if (state == agent::VmState::kStopping)
    return true;  // the shutdown asked for earlier is still under way (or waits for its timeout)
  if (state != agent::VmState::kRunning && state != agent::VmState::kStarting)
    return false;
  agent::PowerRequest stop;
  stop.action = vm.spec.shutdown.mode == api::ShutdownMode::kTurnOff
                    ? agent::PowerAction::kTurnOff
                    : agent::PowerAction::kShutdown;
  stop.timeout_seconds = vm.spec.shutdown.timeout_seconds;
  auto powered = agent.power(vm.metadata.uid, stop);
  if (!powered.ok()) {
    record_agent_error(pass.facts, powered.error());
    return Error(ErrorCode::kUnavailable, "delete: shutdown: " + powered.error().message);
  }
  if (!powered->finished())
    track(pass, powered.value());
  const bool off_now =
      powered->finished() && powered->vm && powered->vm->state == agent::VmState::kOff;
  spdlog::info("vm_delete_shutdown vm={} action={} timeoutSeconds={}", vm.metadata.key(),
               agent::to_string(stop.action), stop.timeout_seconds);
  events_.record(vm.to_json(), "Normal", "Stopping", "Delete",
                 std::string("Shutting the VM down before removing it (") +
                     api::to_string(vm.spec.shutdown.mode) + ", timeout " +
                     std::to_string(stop.timeout_seconds) + "s).");
  return !off_now;
}

}  // namespace hvo::controllers
