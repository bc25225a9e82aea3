#include "controllers/migration_reconciler.h"

#include <spdlog/spdlog.h>

#include "controllers/agent_endpoint.h"
#include "controllers/api_conversions.h"
#include "controllers/conditions.h"
#include "controllers/host_reachability.h"
#include "controllers/kinds.h"
#include "controllers/migration_plan.h"

namespace hvo::controllers {

using api::MigrationPhase;

namespace {

constexpr const char* kScheduledCondition = "Scheduled";
constexpr const char* kReadyCondition = "Ready";

}  // namespace

kube::EventHandlers migration_events(std::function<void(const std::string& key)> enqueue) {
  const auto route = [enqueue](const k8s::Json& object) {
    const auto& metadata = object.value("metadata", k8s::Json::object());
    enqueue(metadata.value("namespace", std::string()) + "/" +
            metadata.value("name", std::string()));
  };
  kube::EventHandlers handlers;
  handlers.on_add = route;
  handlers.on_update = [route](const k8s::Json&, const k8s::Json& object) { route(object); };
  return handlers;
}

bool migration_in_progress(const api::VirtualMachineStatus& status) {
  return status.migration && status.migration->phase && !api::is_final(*status.migration->phase) &&
         *status.migration->phase != MigrationPhase::kPending;
}

MigrationReconciler::MigrationReconciler(Caches caches, ClusterApi& api, SecretSource& secrets,
                                         AgentClientCache& agents, ReservationLedger& ledger,
                                         MigrationReconcilerOptions options,
                                         const kube::Clock& clock)
    : migrations_(caches.migrations),
      vms_(caches.cluster.vms),
      caches_(caches.cluster),
      hosts_(caches.cluster.hosts),
      api_(api),
      secrets_(secrets),
      agents_(agents),
      ledger_(ledger),
      options_(options),
      clock_(clock) {}

Result<kube::ReconcileResult> MigrationReconciler::reconcile(const kube::Request& request) {
  const std::string key = request.key();
  const kube::ObjectPtr object = migrations_.get(key);
  if (!object)
    return kube::ReconcileResult::done();
  auto parsed = api::VirtualMachineMigration::from_json(*object);
  if (!parsed.ok())
    return parsed.error().with_context("virtualmachinemigration " + key);
  Pass pass;
  pass.migration = std::move(parsed).value();
  api::encode(pass.stored_status, pass.migration.status);
  auto& status = pass.migration.status;
  if (status.phase && api::is_final(*status.phase))
    return kube::ReconcileResult::done();  // a record now
  status.observed_generation = pass.migration.metadata.generation;
  if (const kube::ObjectPtr vm =
          vms_.get(pass.migration.metadata.namespace_ + "/" + pass.migration.spec.vm_name)) {
    auto decoded = api::VirtualMachine::from_json(*vm);
    if (!decoded.ok())
      return decoded.error().with_context("virtualmachinemigration " + key);
    pass.vm = std::move(decoded).value();
  }

  // A pass that held the target and asked the agent, then lost its own status write, finds the
  // move on the VM: carry on following it.
  const MigrationPhase phase = status.phase.value_or(MigrationPhase::kPending);
  if (phase != MigrationPhase::kRunning && pass.vm && pass.vm->status.migration &&
      pass.vm->status.migration->name == pass.migration.metadata.name &&
      migration_in_progress(pass.vm->status)) {
    status.phase = MigrationPhase::kRunning;
    status.target_host = pass.vm->status.migration->target_host;
    if (status.source_host.empty())
      status.source_host = pass.vm->status.host;
  }

  Result<bool> acted = true;
  if (status.phase.value_or(MigrationPhase::kPending) == MigrationPhase::kRunning) {
    acted = follow_move(pass);
  } else {
    acted = schedule_and_hold(pass);
  }
  if (!acted.ok())
    return acted.error().with_context("virtualmachinemigration " + key);
  if (auto written = write_status(pass); !written.ok())
    return written.error();
  return pass.next;
}

Result<bool> MigrationReconciler::schedule_and_hold(Pass& pass) {
  auto& status = pass.migration.status;
  const auto errors = api::validate(pass.migration);
  if (!errors.empty()) {
    if (auto done = finish(pass, false, "InvalidSpec", k8s::join(errors)); !done.ok())
      return done.error();
    return true;
  }
  if (auto refusal =
          migration_refusal(pass.migration.metadata.name, pass.vm ? &*pass.vm : nullptr)) {
    if (auto done = finish(pass, false, refusal->reason, refusal->message); !done.ok())
      return done.error();
    return true;
  }
  api::VirtualMachine& vm = *pass.vm;
  const std::string vm_key = vm.metadata.key();
  const auto tenant = caches_.tenant_of_namespace(vm.metadata.namespace_);
  auto request = placement_request(vm, tenant ? &*tenant : nullptr);
  if (!request.ok())
    return request.error();
  // Absent: every host (to_selector of an absent selector would be "nothing").
  Result<k8s::Selector> selector = k8s::Selector::everything();
  if (pass.migration.spec.target_selector)
    selector = k8s::to_selector(*pass.migration.spec.target_selector);
  if (!selector.ok())
    return selector.error();

  status.phase = MigrationPhase::kScheduling;
  status.source_host = vm.status.host;
  status.vm_id = vm.status.vm_id;
  TargetChoice choice;
  std::optional<VmHolding> before;
  api::VirtualMachine held = vm;
  {
    std::lock_guard<std::mutex> placement_lock(ledger_.placement_lock());
    const std::vector<HostSnapshots::HostPtr> hosts = hosts_.all();
    std::vector<HostSnapshot>& snapshots = snapshots_.update(hosts);
    for (auto& snapshot : snapshots) {
      snapshot.allocated = ledger_.allocated(snapshot.name);
      snapshot.anti_affinity_groups.clear();
      if (!request->anti_affinity_group.empty() &&
          ledger_.runs_group(snapshot.name, request->anti_affinity_group))
        snapshot.anti_affinity_groups.insert(request->anti_affinity_group);
      snapshot.awaiting_first_report = false;
      snapshot.quota_denial.reset();
    }
    choice = choose_target(*request, snapshots, vm.status.host, pass.migration.spec.target_host,
                           *selector);
    if (choice.host) {
      // Counted at once, so a placement racing this one sees the room as taken.
      held.status.migration =
          api::VmMigrationRef{pass.migration.metadata.name, MigrationPhase::kRunning, *choice.host};
      held.status.phase = api::VirtualMachinePhase::kMigrating;
      before = ledger_.expect(vm_key, vm_holding(held.to_json()));
    }
  }
  if (!choice.host) {
    set_condition(pass, kScheduledCondition, false, "Unschedulable", choice.message);
    pass.next = kube::ReconcileResult::after(options_.unschedulable);
    return true;
  }
  status.target_host = *choice.host;
  auto written = api_.update_status(kVirtualMachines, held.to_json());
  if (!written.ok()) {
    ledger_.withdraw(vm_key, before);
    return written.error().with_context("hold " + *choice.host + " for " + vm_key);
  }
  ledger_.wrote(
      vm_key, vm.metadata.resource_version,
      written->value(k8s::Json::json_pointer("/metadata/resourceVersion"), std::string()));
  if (auto reread = api::VirtualMachine::from_json(*written); reread.ok())
    pass.vm = std::move(reread).value();
  spdlog::info("migration_scheduled migration={} vm={} source={} target={}",
               pass.migration.metadata.key(), vm_key, status.source_host, *choice.host);
  set_condition(pass, kScheduledCondition, true, "TargetHeld", choice.message);
  status.phase = MigrationPhase::kRunning;
  return start_move(pass);
}

std::shared_ptr<AgentClient> MigrationReconciler::client_of(const std::string& name,
                                                            std::string& problem) {
  const auto host = hosts_.get(name);
  if (!host) {
    problem = "host " + name + " does not exist";
    return nullptr;
  }
  if (auto unreachable = host_unreachable_reason(*host)) {
    problem = *unreachable;
    return nullptr;
  }
  auto client = agent_client(secrets_, agents_, *host);
  if (!client.ok()) {
    problem = client.error().message();
    return nullptr;
  }
  return std::move(client).value();
}

Result<bool> MigrationReconciler::start_move(Pass& pass) {
  auto& status = pass.migration.status;
  std::string problem;
  auto source = client_of(status.source_host, problem);
  if (!source) {
    set_condition(pass, kReadyCondition, false, "SourceUnreachable", problem);
    pass.next = kube::ReconcileResult::after(options_.retry);
    return true;
  }
  agent::MigrateRequest move;
  move.destination_host = status.target_host;
  move.include_storage = pass.migration.spec.include_storage;
  auto operation = source->migrate(pass.vm->metadata.uid, move);
  if (!operation.ok()) {
    if (operation.error().retryable()) {
      set_condition(pass, kReadyCondition, false, "SourceUnreachable", operation.error().message);
      pass.next = kube::ReconcileResult::after(options_.retry);
      return true;
    }
    if (auto done = finish(pass, false, "MigrationFailed", operation.error().message); !done.ok())
      return done.error();
    return true;
  }
  status.operation_id = operation->id;
  if (!status.start_time)
    status.start_time = k8s::Time(clock_.wall_now());
  status.progress_percent = static_cast<std::int32_t>(operation->progress_percent.value_or(0));
  set_condition(pass, kReadyCondition, false, "Migrating",
                "moving from " + status.source_host + " to " + status.target_host);
  spdlog::info("migration_started migration={} operation={}", pass.migration.metadata.key(),
               operation->id);
  if (move_outcome(operation.value()) != MoveOutcome::kRunning)
    return follow_move(pass);
  pass.next = kube::ReconcileResult::after(options_.poll);
  return true;
}

Result<bool> MigrationReconciler::follow_move(Pass& pass) {
  auto& status = pass.migration.status;
  if (!pass.vm) {
    if (auto done = finish(pass, false, "VmNotFound", "the VirtualMachine went away"); !done.ok())
      return done.error();
    return true;
  }
  if (status.operation_id.empty())
    return start_move(pass);  // held, but the agent was never asked (or its answer lost)
  std::string problem;
  auto source = client_of(status.source_host, problem);
  if (!source) {
    set_condition(pass, kReadyCondition, false, "SourceUnreachable", problem);
    pass.next = kube::ReconcileResult::after(options_.retry);
    return true;
  }
  auto operation = source->get_operation(status.operation_id);
  if (!operation.ok()) {
    if (operation.error().is(agent::AgentErrorCode::kNotFound))
      return settle_lost_operation(pass);
    set_condition(pass, kReadyCondition, false, "SourceUnreachable", operation.error().message);
    pass.next = kube::ReconcileResult::after(options_.retry);
    return true;
  }
  if (operation->progress_percent)
    status.progress_percent = static_cast<std::int32_t>(*operation->progress_percent);
  switch (move_outcome(operation.value())) {
    case MoveOutcome::kRunning:
      pass.next = kube::ReconcileResult::after(options_.poll);
      return true;
    case MoveOutcome::kSucceeded:
      if (auto done = finish(pass, true, "Succeeded",
                             "moved from " + status.source_host + " to " + status.target_host);
          !done.ok())
        return done.error();
      return true;
    case MoveOutcome::kFailed:
      if (auto done = finish(pass, false, "MigrationFailed",
                             operation->error ? operation->error->message : "the move failed");
          !done.ok())
        return done.error();
      return true;
  }
  return true;
}

Result<bool> MigrationReconciler::settle_lost_operation(Pass& pass) {
  auto& status = pass.migration.status;
  const std::string uid = pass.vm->metadata.uid;
  std::string problem;
  if (auto target = client_of(status.target_host, problem)) {
    auto there = target->vm(uid);
    if (there.ok() && there.value()) {
      if (auto done = finish(pass, true, "Succeeded", "found on " + status.target_host); !done.ok())
        return done.error();
      return true;
    }
  }
  if (auto source = client_of(status.source_host, problem)) {
    auto here = source->vm(uid);
    if (here.ok() && here.value()) {
      status.operation_id.clear();  // the source still has it: ask again
      return start_move(pass);
    }
  }
  pass.next = kube::ReconcileResult::after(options_.retry);
  set_condition(pass, kReadyCondition, false, "OperationLost",
                "the source agent no longer knows operation " + status.operation_id +
                    " and neither host answered for the VM yet");
  return true;
}

Status MigrationReconciler::finish(Pass& pass, bool succeeded, const std::string& reason,
                                   const std::string& message) {
  auto& status = pass.migration.status;
  const std::string name = pass.migration.metadata.name;
  const MigrationPhase phase = succeeded ? MigrationPhase::kSucceeded : MigrationPhase::kFailed;
  // The VM first: once the migration reads final nothing would put the VM right.
  if (pass.vm && pass.vm->status.migration && pass.vm->status.migration->name == name) {
    const std::string target = status.target_host;
    auto written = write_vm(pass, [&](api::VirtualMachine& vm) {
      vm.status.migration->phase = phase;
      if (succeeded)
        vm.status.host = target;
      if (vm.status.phase == api::VirtualMachinePhase::kMigrating)
        vm.status.phase = api::VirtualMachinePhase::kRunning;
    });
    if (!written.ok())
      return written;
  }
  status.phase = phase;
  status.end_time = k8s::Time(clock_.wall_now());
  if (succeeded)
    status.progress_percent = 100;
  set_condition(pass, kReadyCondition, succeeded, reason, message);
  spdlog::info("migration_finished migration={} phase={} reason={} message=\"{}\"",
               pass.migration.metadata.key(), api::to_string(phase), reason, message);
  pass.next = kube::ReconcileResult::done();
  return OkStatus();
}

Status MigrationReconciler::write_vm(Pass& pass,
                                     const std::function<void(api::VirtualMachine&)>& change) {
  api::VirtualMachine next = *pass.vm;
  change(next);
  const std::string key = next.metadata.key();
  const auto before = ledger_.expect(key, vm_holding(next.to_json()));
  auto written = api_.update_status(kVirtualMachines, next.to_json());
  if (!written.ok()) {
    ledger_.withdraw(key, before);
    return written.error().with_context("virtualmachine " + key + ": write status");
  }
  ledger_.wrote(
      key, pass.vm->metadata.resource_version,
      written->value(k8s::Json::json_pointer("/metadata/resourceVersion"), std::string()));
  if (auto reread = api::VirtualMachine::from_json(*written); reread.ok())
    pass.vm = std::move(reread).value();
  return OkStatus();
}

void MigrationReconciler::set_condition(Pass& pass, const char* type, bool status,
                                        const std::string& reason, const std::string& message) {
  apply_conditions(
      pass.migration.status.conditions,
      {make_condition(type, status, reason, message, pass.migration.metadata.generation)},
      k8s::Time(clock_.wall_now()));
}

Status MigrationReconciler::write_status(Pass& pass) {
  k8s::Json next_status;
  api::encode(next_status, pass.migration.status);
  if (next_status == pass.stored_status)
    return OkStatus();
  auto written = api_.update_status(kVirtualMachineMigrations, pass.migration.to_json());
  if (!written.ok()) {
    return written.error().with_context("virtualmachinemigration " + pass.migration.metadata.key() +
                                        ": write status");
  }
  pass.stored_status = std::move(next_status);
  return OkStatus();
}

}  // namespace hvo::controllers
