#include "controllers/virtualmachine_reconciler.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "api/v1alpha1/validation.h"
#include "controllers/agent_endpoint.h"
#include "controllers/api_conversions.h"
#include "controllers/conditions.h"
#include "controllers/inventory_drift.h"
#include "controllers/kinds.h"
#include "controllers/power_policy.h"
#include "controllers/tenant_desired.h"
#include "controllers/vm_desired_spec.h"
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

}  // namespace

VirtualMachineReconciler::VirtualMachineReconciler(VmReconcilerCaches caches, ClusterApi& api,
                                                   SecretSource& secrets, AgentClientCache& agents,
                                                   EventSink& events,
                                                   PendingReservations& reservations,
                                                   VmReconcilerOptions options,
                                                   const kube::Clock& clock)
    : stores_(caches),
      caches_(caches),
      api_(api),
      secrets_(secrets),
      agents_(agents),
      events_(events),
      reservations_(reservations),
      options_(options),
      clock_(clock) {}

Result<kube::ReconcileResult> VirtualMachineReconciler::reconcile(const kube::Request& request) {
  const std::string key = request.key();
  const kube::ObjectPtr object = stores_.vms.get(key);
  if (!object) {
    forget_own_writes(key);
    reservations_.release(key);
    std::lock_guard<std::mutex> lock(placement_mu_);
    recent_placements_.erase(key);
    return kube::ReconcileResult::done();
  }
  auto parsed = api::VirtualMachine::from_json(*object);
  if (!parsed.ok())
    return parsed.error().with_context("virtualmachine " + key);
  // The cache still shows a version this process already wrote over (the pass was queued before
  // the watch delivered our last write): acting on it would only end in a 409 Conflict and a
  // backoff. The watch event of our write enqueues the VM again; the requeue is a safety net.
  if (cache_behind_own_write(key, parsed->metadata.resource_version)) {
    spdlog::debug("vm_cache_behind vm={} resourceVersion={}", key,
                  parsed->metadata.resource_version);
    return kube::ReconcileResult::after(options_.in_progress);
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

  Pass pass;
  pass.vm = std::move(vm).value();
  pass.tenant = caches_.tenant_of_namespace(pass.vm.metadata.namespace_);
  pass.facts.generation = pass.vm.metadata.generation;
  pass.facts.run_strategy = pass.vm.spec.run_strategy;
  pass.facts.quota_reserved = is_reserved(pass.vm);
  pass.facts.phase_before = pass.vm.status.phase.value_or(VirtualMachinePhase::kPending);
  pass.facts.host = pass.vm.status.host;

  auto desired = desired_spec(pass);
  if (!desired.ok()) {
    if (desired.error().code() != ErrorCode::kInvalidArgument)
      return desired.error().with_context("virtualmachine " + key);
    pass.facts.invalid_spec = desired.error().message();
    // Nothing will be created until the spec changes: a reservation for a VM that does not
    // exist is given back; one that exists keeps holding what it takes.
    if (pass.facts.quota_reserved && !may_exist_on_host(pass.vm))
      release_reservation(pass);
    if (auto written = write_status(pass); !written.ok())
      return written.error();
    return kube::ReconcileResult::done();  // the next spec change brings it back
  }

  if (pass.facts.quota_reserved &&
      !(vm_requested(pass.vm.spec) == to_amounts(*pass.vm.status.allocated))) {
    auto resized = resize_reservation(pass);
    if (!resized.ok())
      return resized.error();
    if (!*resized) {
      if (auto written = write_status(pass); !written.ok())
        return written.error();
      return kube::ReconcileResult::done();  // a Quota change re-enqueues the tenant's VMs
    }
  }
  if (!pass.facts.quota_reserved) {
    auto admitted = admit(pass);
    if (!admitted.ok())
      return admitted.error();
    if (!*admitted) {
      if (auto written = write_status(pass); !written.ok())
        return written.error();
      return kube::ReconcileResult::done();  // a Quota change re-enqueues the tenant's VMs
    }
  }

  if (pass.facts.host.empty()) {
    auto placed = place(pass);
    if (!placed.ok())
      return placed.error();
    if (!*placed) {
      if (auto written = write_status(pass); !written.ok())
        return written.error();
      // A host about to report is seconds away; a full cluster changes when VMs or hosts do.
      return kube::ReconcileResult::after(pass.awaiting_hosts ? options_.in_progress
                                                              : options_.unschedulable);
    }
  }

  auto agent = agent_for(pass);
  if (!agent.ok())
    return agent.error();
  if (*agent) {
    if (auto converged = converge(pass, **agent, *desired); !converged.ok())
      return converged.error();
  }
  // The agent refused for good and holds no such VM: give the reservation (and the host's
  // capacity) back; the VM stays Failed until its spec changes.
  if (pass.facts.provision_failure && pass.facts.provision_failure->permanent &&
      !pass.facts.provisioned) {
    release_reservation(pass);
    pass.facts.reservation_released = true;
  }
  if (auto written = write_status(pass); !written.ok())
    return written.error();
  return next_visit(pass);
}

Result<kube::ReconcileResult> VirtualMachineReconciler::finalize(api::VirtualMachine vm) {
  const std::string key = vm.metadata.key();
  if (!vm.metadata.has_finalizer(kVmFinalizer))
    return kube::ReconcileResult::done();

  // A host that no longer exists holds nothing to remove; an unreachable one keeps the VM (and
  // its finalizer) until it answers: nothing is assumed gone because a host is down.
  if (!vm.status.host.empty() && stores_.hosts.get(vm.status.host)) {
    Pass pass;
    pass.vm = vm;
    pass.facts.host = vm.status.host;
    auto agent = agent_for(pass);
    if (!agent.ok())
      return agent.error();
    if (!*agent) {
      return Error(ErrorCode::kUnavailable, "virtualmachine " + key + ": cannot delete: " +
                                                pass.facts.host_unreachable.value_or(""));
    }
    // A delete (or any operation) still running on the agent is waited for by its id; once it
    // ended, DELETE is issued (again): it is idempotent, a missing VM is success.
    if (const auto operation = tracked(vm.metadata.uid)) {
      auto polled = (*agent)->get_operation(operation->id);
      if (polled.ok() && !polled->finished())
        return kube::ReconcileResult::after(options_.in_progress);
      forget_operation(vm.metadata.uid);
    }
    auto removed = (*agent)->remove(vm.metadata.uid);
    if (!removed.ok())
      return Error(ErrorCode::kUnavailable,
                   "virtualmachine " + key + ": delete: " + removed.error().message);
    if (!removed->finished()) {
      track(vm.metadata.uid, vm.status.host, removed.value());
      return kube::ReconcileResult::after(options_.in_progress);
    }
    forget_operation(vm.metadata.uid);
    spdlog::info("vm_removed_from_host vm={} host={}", key, vm.status.host);
    events_.record(vm.to_json(), "Normal", "Deleted", "Delete",
                   "Removed the VM from host " + vm.status.host + ".");
  }

  reservations_.release(key);
  {
    std::lock_guard<std::mutex> lock(placement_mu_);
    recent_placements_.erase(key);
  }
  vm.metadata.remove_finalizer(kVmFinalizer);
  auto updated = api_.update(kVirtualMachines, vm.to_json());
  if (!updated.ok() && updated.error().code() != ErrorCode::kNotFound)
    return updated.error().with_context("virtualmachine " + key + ": remove finalizer");
  return kube::ReconcileResult::done();
}

void VirtualMachineReconciler::note_own_write(const std::string& key, const std::string& replaced,
                                              const k8s::Json& written) {
  std::lock_guard<std::mutex> lock(own_writes_mu_);
  OwnWrites& writes = own_writes_[key];
  writes.superseded.insert(replaced);
  writes.latest =
      written.value(k8s::Json::json_pointer("/metadata/resourceVersion"), std::string());
}

bool VirtualMachineReconciler::cache_behind_own_write(const std::string& key,
                                                      const std::string& cached) {
  std::lock_guard<std::mutex> lock(own_writes_mu_);
  const auto found = own_writes_.find(key);
  if (found == own_writes_.end())
    return false;
  if (found->second.superseded.count(cached))
    return true;
  own_writes_.erase(found);  // caught up with our last write, or someone wrote after it
  return false;
}

void VirtualMachineReconciler::forget_own_writes(const std::string& key) {
  std::lock_guard<std::mutex> lock(own_writes_mu_);
  own_writes_.erase(key);
}

bool VirtualMachineReconciler::may_exist_on_host(const api::VirtualMachine& vm) {
  if (!vm.status.vm_id.empty() || k8s::is_true(vm.status.conditions, condition_type::kProvisioned))
    return true;
  std::lock_guard<std::mutex> lock(operations_mu_);
  return operations_.count(vm.metadata.uid) > 0;  // an ensure may be creating it right now
}

void VirtualMachineReconciler::release_reservation(Pass& pass) {
  const std::string key = pass.vm.metadata.key();
  spdlog::info("vm_quota_released vm={} host={}", key, pass.vm.status.host);
  pass.vm.status.allocated.reset();
  pass.vm.status.host.clear();
  pass.facts.quota_reserved = false;
  reservations_.release(key);
  std::lock_guard<std::mutex> lock(placement_mu_);
  recent_placements_.erase(key);
}

Result<api::VirtualMachine> VirtualMachineReconciler::ensure_finalizer(api::VirtualMachine vm) {
  if (vm.metadata.has_finalizer(kVmFinalizer))
    return vm;
  vm.metadata.add_finalizer(kVmFinalizer);
  auto updated = api_.update(kVirtualMachines, vm.to_json());
  if (!updated.ok())
    return updated.error().with_context("virtualmachine " + vm.metadata.key() + ": add finalizer");
  note_own_write(vm.metadata.key(), vm.metadata.resource_version, *updated);
  return api::VirtualMachine::from_json(*updated);
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

Result<bool> VirtualMachineReconciler::admit(Pass& pass) {
  const std::string key = pass.vm.metadata.key();
  const ResourceAmounts requested = vm_requested(pass.vm.spec);
  const std::string tenant = pass.tenant ? pass.tenant->metadata.name : "";

  // One admission per tenant at a time, counting reservations the cache may not show yet.
  std::unique_lock<std::mutex> lock(reservations_.tenant_lock(tenant), std::defer_lock);
  std::optional<VmCharge> previous;
  if (pass.tenant) {
    lock.lock();
    const std::vector<QuotaSnapshot> quotas = tenant_quotas(tenant);
    const auto charges = reservations_.overlay(caches_.tenant_charges(*pass.tenant, key));
    // Host-scoped quotas are checked per candidate host when placing (place()), so no host
    // labels are needed before a host is chosen.
    if (auto denial =
            check_admission(tenant, quota_usage(requested), "", quotas, charges, HostLabels())) {
      pass.facts.quota_exceeded = denial->message;
      return false;
    }
    // Counted from now on; the status write happens without the lock.
    previous = reservations_.record_returning_previous(
        VmCharge{key, tenant, pass.vm.status.host, quota_usage(requested), false});
    lock.unlock();
  }

  pass.vm.status.allocated = to_api(requested);
  pass.facts.quota_reserved = true;
  if (auto written = write_status(pass); !written.ok()) {
    if (pass.tenant)
      reservations_.restore(key, previous);
    return written.error();
  }
  spdlog::info("vm_quota_reserved vm={} tenant={} cpu={} memory={}", key, tenant, requested.cpu,
               format_bytes(requested.memory));
  return true;
}

Result<bool> VirtualMachineReconciler::resize_reservation(Pass& pass) {
  const std::string key = pass.vm.metadata.key();
  const ResourceAmounts requested = vm_requested(pass.vm.spec);
  const ResourceAmounts current = to_amounts(*pass.vm.status.allocated);
  const bool grows = requested.cpu > current.cpu || requested.memory > current.memory ||
                     requested.storage > current.storage;
  const std::string tenant = pass.tenant ? pass.tenant->metadata.name : "";

  std::unique_lock<std::mutex> lock(reservations_.tenant_lock(tenant), std::defer_lock);
  if (pass.tenant) {
    lock.lock();
    if (grows) {
      // The new size against every quota of the tenant, the host-scoped ones of its host too;
      // the VM's own current charge is replaced, not added to.
      std::vector<VmCharge> charges =
          reservations_.overlay(caches_.tenant_charges(*pass.tenant, key));
      charges.erase(std::remove_if(charges.begin(), charges.end(),
                                   [&](const VmCharge& charge) { return charge.vm == key; }),
                    charges.end());
      const auto hosts = caches_.host_labels();
      if (auto denial = check_admission(tenant, quota_usage(requested), pass.vm.status.host,
                                        tenant_quotas(tenant), charges, hosts)) {
        pass.facts.growth_exceeded = denial->message;
        return false;
      }
    }
  }

  pass.vm.status.allocated = to_api(requested);
  if (auto written = write_status(pass); !written.ok())
    return written.error();
  if (pass.tenant) {
    reservations_.record(VmCharge{key, tenant, pass.vm.status.host, quota_usage(requested), false});
  }
  {
    std::lock_guard<std::mutex> placed(placement_mu_);
    if (auto found = recent_placements_.find(key); found != recent_placements_.end())
      found->second.amounts = requested;
  }
  spdlog::info("vm_quota_resized vm={} tenant={} cpu={} memory={}", key, tenant, requested.cpu,
               format_bytes(requested.memory));
  return true;
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

Result<bool> VirtualMachineReconciler::place(Pass& pass) {
  const std::string key = pass.vm.metadata.key();
  auto request = placement_request(pass.vm, pass.tenant ? &*pass.tenant : nullptr);
  if (!request.ok())
    return request.error().with_context("virtualmachine " + key);
  const std::string tenant = pass.tenant ? pass.tenant->metadata.name : "";

  // The tenant's lock first (as in admit()): host-scoped quotas count the tenant's placements.
  std::unique_lock<std::mutex> tenant_lock(reservations_.tenant_lock(tenant), std::defer_lock);
  if (pass.tenant)
    tenant_lock.lock();
  std::unique_lock<std::mutex> placement_lock(placement_mu_);

  // What every host already holds: the VMs the cache shows placed there (the VMs-by-host index,
  // read without decoding), and placements written by this process that the cache does not
  // show yet.
  const std::vector<api::HyperVHost> cached = caches_.hosts();
  std::map<std::string, ResourceAmounts> allocated;
  std::map<std::string, std::set<std::string>> groups;
  const auto count = [&](const std::string& host, const ResourceAmounts& amounts,
                         const std::string& group) {
    allocated[host] += amounts;
    if (!group.empty())
      groups[host].insert(group);
  };
  for (const auto& host : cached) {
    for (const PlacedVm& vm : caches_.placed_on(host.metadata.name)) {
      if (vm.key == key)
        continue;
      recent_placements_.erase(vm.key);  // the cache has caught up with it
      count(host.metadata.name, vm.reserved, vm.anti_affinity_group);
    }
  }
  for (const auto& [other, placement] : recent_placements_) {
    if (other != key)
      count(placement.host, placement.amounts, placement.anti_affinity_group);
  }

  // Quotas scoped to hosts by a hostSelector hold per candidate host.
  std::vector<QuotaSnapshot> scoped;
  std::vector<VmCharge> charges;
  HostLabels labels;
  if (pass.tenant) {
    for (auto& quota : tenant_quotas(tenant)) {
      if (quota.host_scope)
        scoped.push_back(std::move(quota));
    }
    if (!scoped.empty()) {
      charges = reservations_.overlay(caches_.tenant_charges(*pass.tenant, key));
      labels = caches_.host_labels();
    }
  }

  const k8s::Time now(clock_.wall_now());
  std::vector<HostSnapshot> hosts;
  for (const auto& host : cached) {
    const std::string& name = host.metadata.name;
    HostSnapshot snapshot = host_snapshot(host, allocated[name], groups[name]);
    snapshot.awaiting_first_report =
        !k8s::find_condition(host.status.conditions, condition_type::kReady) &&
        host.metadata.creation_timestamp &&
        now.time_point() - host.metadata.creation_timestamp->time_point() <
            options_.first_report_grace;
    if (!scoped.empty()) {
      if (auto denial = check_admission(tenant, quota_usage(request->requested), name, scoped,
                                        charges, labels))
        snapshot.quota_denial = denial->message;
    }
    hosts.push_back(std::move(snapshot));
  }

  const PlacementDecision decision = schedule(*request, hosts);
  if (!decision.host) {
    pass.facts.unschedulable = decision.message;
    pass.awaiting_hosts = !decision.awaiting.empty();
    return false;
  }
  // Counted on the host (and by its scoped quotas) from now on; the status write happens
  // without the locks, and a failed one takes the placement back.
  recent_placements_[key] = {*decision.host, request->requested, request->anti_affinity_group};
  std::optional<VmCharge> previous;
  const bool charged = pass.tenant && pass.facts.quota_reserved && pass.vm.status.allocated;
  if (charged) {
    previous = reservations_.record_returning_previous(VmCharge{
        key, tenant, *decision.host, quota_usage(to_amounts(*pass.vm.status.allocated)), false});
  }
  placement_lock.unlock();
  if (tenant_lock.owns_lock())
    tenant_lock.unlock();

  pass.vm.status.host = *decision.host;
  pass.facts.host = *decision.host;
  if (auto written = write_status(pass); !written.ok()) {
    {
      std::lock_guard<std::mutex> relock(placement_mu_);
      recent_placements_.erase(key);
    }
    if (charged)
      reservations_.restore(key, previous);
    return written.error();
  }
  spdlog::info("vm_scheduled vm={} host={} strategy={}", key, *decision.host,
               api::to_string(pass.vm.spec.placement.strategy));
  events_.record(pass.vm.to_json(), "Normal", "Scheduled", "Schedule", decision.message);
  return true;
}

Result<std::shared_ptr<AgentClient>> VirtualMachineReconciler::agent_for(Pass& pass) {
  const std::string& name = pass.facts.host;
  const kube::ObjectPtr object = stores_.hosts.get(name);
  if (!object) {
    pass.facts.host_unreachable = "Host " + name + " does not exist.";
    return std::shared_ptr<AgentClient>();
  }
  auto host = api::HyperVHost::from_json(*object);
  if (!host.ok())
    return host.error().with_context("hypervhost " + name);
  if (!k8s::is_true(host->status.conditions, condition_type::kReady)) {
    const auto* ready = k8s::find_condition(host->status.conditions, condition_type::kReady);
    pass.facts.host_unreachable =
        "Host " + name + " is not Ready" + (ready ? ": " + ready->message : ".");
    return std::shared_ptr<AgentClient>();
  }
  auto endpoint = agent_endpoint(secrets_, *host);
  if (!endpoint.ok()) {
    pass.facts.host_unreachable = endpoint.error().message();
    return std::shared_ptr<AgentClient>();
  }
  auto client = agents_.get(*endpoint);
  if (!client.ok()) {
    pass.facts.host_unreachable = client.error().message();
    return std::shared_ptr<AgentClient>();
  }
  return std::move(client).value();
}

std::optional<VirtualMachineReconciler::TrackedOperation> VirtualMachineReconciler::tracked(
    const std::string& uid) {
  std::lock_guard<std::mutex> lock(operations_mu_);
  const auto found = operations_.find(uid);
  if (found == operations_.end())
    return std::nullopt;
  return found->second;
}

void VirtualMachineReconciler::track(const std::string& uid, const std::string& host,
                                     const agent::Operation& operation) {
  if (operation.id.empty())
    return;  // nothing to poll: the next pass looks at the VM itself
  spdlog::info("vm_operation_pending uid={} host={} operation={} kind={}", uid, host, operation.id,
               agent::to_string(operation.kind));
  std::lock_guard<std::mutex> lock(operations_mu_);
  operations_[uid] = TrackedOperation{host, operation.id, operation.kind};
}

void VirtualMachineReconciler::forget_operation(const std::string& uid) {
  std::lock_guard<std::mutex> lock(operations_mu_);
  operations_.erase(uid);
}

VirtualMachineReconciler::OperationPoll VirtualMachineReconciler::poll_operation(
    Pass& pass, AgentClient& agent) {
  const std::string& uid = pass.vm.metadata.uid;
  const auto operation = tracked(uid);
  if (!operation)
    return OperationPoll::kNone;
  if (operation->host != pass.facts.host) {
    forget_operation(uid);
    return OperationPoll::kNone;
  }
  auto polled = agent.get_operation(operation->id);
  if (!polled.ok()) {
    if (polled.error().is(agent::AgentErrorCode::kNotFound)) {
      // The agent no longer knows it (restarted, or retention passed): look at the VM itself
      // and re-issue what is still needed; ensure and delete are idempotent.
      forget_operation(uid);
      return OperationPoll::kNone;
    }
    record_agent_error(pass.facts, polled.error());
    return OperationPoll::kUnknown;
  }
  if (!polled->finished())
    return OperationPoll::kRunning;
  forget_operation(uid);
  if (polled->state == agent::OperationState::kFailed) {
    AgentError error;
    error.host = pass.facts.host;
    error.operation = agent::to_string(polled->kind);
    error.failure = AgentFailure::kRejected;
    const agent::ErrorBody body = polled->error.value_or(
        agent::make_error(agent::AgentErrorCode::kInternal, "operation failed without an error"));
    error.code = body.code;
    error.message = "host " + pass.facts.host + ": " + error.operation + ": " +
                    agent::to_string(body.code) + ": " + body.message;
    spdlog::warn("vm_operation_failed vm={} host={} operation={} code={}", pass.vm.metadata.key(),
                 pass.facts.host, operation->id, error.code_label());
    record_agent_error(pass.facts, error);
    return OperationPoll::kFailed;
  }
  if (polled->ensure_result)
    on_ensured(pass, *polled->ensure_result);
  return OperationPoll::kSucceeded;
}

void VirtualMachineReconciler::on_ensured(Pass& pass, const agent::EnsureResult& result) {
  if (!result.created)
    return;
  const bool recreated = !pass.vm.status.vm_id.empty();
  spdlog::info("vm_created vm={} host={} recreated={}", pass.vm.metadata.key(), pass.facts.host,
               recreated);
  events_.record(pass.vm.to_json(), recreated ? "Warning" : "Normal",
                 recreated ? "Recreated" : "Created", "Provision",
                 recreated
                     ? "The VM was missing from host " + pass.facts.host + " and was created again."
                     : "Created the VM on host " + pass.facts.host + ".");
}

void VirtualMachineReconciler::observe(Pass& pass, const agent::VmStatus& vm) {
  pass.observed = vm;
  pass.facts.provisioned = true;
  pass.facts.power = vm.state;
  pass.facts.raw_power_state = vm.raw_state;
  pass.facts.restart_required_fields = vm.restart_required_fields;
}

Status VirtualMachineReconciler::converge(Pass& pass, AgentClient& agent,
                                          const agent::VmSpec& desired) {
  const std::string& uid = pass.vm.metadata.uid;
  // An operation an earlier pass left running is polled by its id, never issued again while it
  // runs: a long create does not hold a worker, and does not pile up ensures on the agent.
  const OperationPoll poll = poll_operation(pass, agent);
  if (poll == OperationPoll::kUnknown) {
    pass.facts.provisioned = !pass.vm.status.vm_id.empty();
    return OkStatus();
  }

  auto found = agent.vm(uid);
  if (!found.ok()) {
    record_agent_error(pass.facts, found.error());
    return OkStatus();
  }
  std::optional<agent::VmStatus> observed = found.value();
  if (poll == OperationPoll::kRunning || poll == OperationPoll::kFailed) {
    // Running: wait for it. Failed: the failure is in the facts; a retryable one is issued again
    // on the next pass, a permanent one waits for a spec change.
    pass.facts.operation_pending = poll == OperationPoll::kRunning;
    if (observed)
      observe(pass, *observed);
    else
      pass.facts.provisioned = false;
    return OkStatus();
  }

  if (!observed || observed->object_generation != desired.object_generation) {
    agent::VmSpec spec = desired;
    spec.power = ensure_power_intent(pass.vm.spec.run_strategy, observed.has_value());
    auto ensured = agent.ensure(spec);
    if (!ensured.ok()) {
      pass.facts.provisioned = observed.has_value();
      record_agent_error(pass.facts, ensured.error());
      return OkStatus();
    }
    if (!ensured->finished() || !ensured->ensure_result) {
      track(uid, pass.facts.host, ensured.value());
      pass.facts.provisioned = observed.has_value();
      if (observed)
        observe(pass, *observed);
      pass.facts.operation_pending = true;
      return OkStatus();
    }
    on_ensured(pass, *ensured->ensure_result);
    observed = ensured->ensure_result->vm;
  }

  observe(pass, *observed);
  return apply_power(pass, agent);
}

Status VirtualMachineReconciler::apply_power(Pass& pass, AgentClient& agent) {
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
      track(pass.vm.metadata.uid, pass.facts.host, powered.value());
      pass.facts.operation_pending = true;
    }
  }
  if (plan.restart_acknowledged)
    pass.vm.status.last_restart_time = plan.restart_acknowledged;
  return OkStatus();
}

Status VirtualMachineReconciler::write_status(Pass& pass) {
  const VmAssessment assessment = assess_vm(pass.facts);
  api::VirtualMachine next = pass.vm;
  auto& status = next.status;
  status.phase = assessment.phase;
  status.observed_generation = pass.vm.metadata.generation;
  if (pass.observed) {
    status.vm_id = pass.observed->vm_id;
    status.power_state = power_state_text(*pass.observed);
    status.ip_addresses = pass.observed->ip_addresses;
  }
  apply_conditions(status.conditions, assessment.conditions, k8s::Time(clock_.wall_now()));

  k8s::Json before;
  k8s::Json after;
  api::encode(before, pass.vm.status);
  api::encode(after, status);
  if (before == after && status.phase == pass.vm.status.phase)
    return OkStatus();

  const std::string key = pass.vm.metadata.key();
  auto written = api_.update_status(kVirtualMachines, next.to_json());
  if (!written.ok())
    return written.error().with_context("virtualmachine " + key + ": write status");
  note_own_write(key, pass.vm.metadata.resource_version, *written);
  auto reread = api::VirtualMachine::from_json(*written);
  if (!reread.ok())
    return reread.error().with_context("virtualmachine " + key + ": status answer");

  const std::string old_reason = ready_reason(pass.vm);
  const std::string new_reason = ready_reason(*reread);
  if (new_reason != old_reason) {
    const auto* ready = k8s::find_condition(reread->status.conditions, condition_type::kReady);
    spdlog::info("vm_status_changed vm={} phase={} ready={} reason={}", key,
                 api::to_string(assessment.phase),
                 ready && ready->status == k8s::ConditionStatus::kTrue, new_reason);
    events_.record(*written, is_warning(assessment, new_reason) ? "Warning" : "Normal", new_reason,
                   "Reconcile", ready ? ready->message : "");
  }
  pass.vm = std::move(reread).value();
  return OkStatus();
}

kube::ReconcileResult VirtualMachineReconciler::next_visit(const Pass& pass) const {
  if (pass.facts.host_unreachable)
    return kube::ReconcileResult::after(options_.host_unreachable);
  const VmAssessment assessment = assess_vm(pass.facts);
  if (k8s::is_true(assessment.conditions, condition_type::kStalled))
    return kube::ReconcileResult::done();
  if (pass.facts.operation_pending ||
      k8s::is_true(assessment.conditions, condition_type::kReconciling))
    return kube::ReconcileResult::after(options_.in_progress);
  return kube::ReconcileResult::after(options_.resync);
}

}  // namespace hvo::controllers
