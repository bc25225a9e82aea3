// An in-memory agent for reconciler tests: ensure creates or updates VMs, power changes their
// state at once, remove deletes them; `unreachable` and `next_error` inject failures, and
// `defer_operations` makes mutating calls answer 202 with an operation id that completes only
// when the test says so (finish_operations()), or on its Nth poll with `finish_after_polls`.
// Records every call, so tests can assert what reached the agent (and what never did).
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "controllers/agent_client.h"
#include "controllers/agent_client_cache.h"
#include "hostagent/protocol/inventory_digest.h"
#include "hostagent/protocol/spec_hash.h"

namespace hvo::controllers::testing {

class FakeAgent : public AgentClient {
 public:
  explicit FakeAgent(std::string host) : host_(std::move(host)) {
    info.name = host_;
    info.agent_version = "0.1.0-fake";
    info.capacity = {16, 64LL << 30, 1LL << 40};
    info.capabilities = {"secureBoot", "tpm", "dynamicMemory"};
    info.switches = {{"external", "External"}};
    info.images = {{"ubuntu-24.04", 10LL << 30}};
  }

  AgentCallResult<agent::HostInfo> host_info() override {
    std::lock_guard<std::mutex> lock(mu);
    ++calls;
    if (auto error = fail_locked("host_info"))
      return *error;
    agent::HostInfo out = info;
    out.vm_count = static_cast<int64_t>(vms.size());
    if (reports_digest)
      out.inventory_digest = agent::inventory_digest(inventory_locked());
    return out;
  }
  AgentCallResult<agent::Inventory> inventory() override {
    std::lock_guard<std::mutex> lock(mu);
    ++calls;
    ++inventory_reads;
    if (auto error = fail_locked("inventory"))
      return *error;
    agent::Inventory inventory = inventory_locked();
    if (reports_digest)
      inventory.digest = agent::inventory_digest(inventory);
    return inventory;
  }
  AgentCallResult<std::optional<agent::VmStatus>> vm(const std::string& uid) override {
    std::lock_guard<std::mutex> lock(mu);
    ++calls;
    if (auto error = fail_locked("get_vm"))
      return *error;
    const auto found = vms.find(uid);
    if (found == vms.end())
      return std::optional<agent::VmStatus>();
    return std::optional<agent::VmStatus>(found->second);
  }
  AgentCallResult<agent::Operation> ensure(const agent::VmSpec& spec) override {
    std::lock_guard<std::mutex> lock(mu);
    ++calls;
    if (auto error = fail_locked("ensure"))
      return *error;
    ensured.push_back(spec);
    if (defer_operations) {
      return defer_locked(
          agent::OperationKind::kEnsure, spec.uid,
          [this, spec](agent::Operation& op) { op.ensure_result = apply_ensure_locked(spec); });
    }
    return finished(agent::OperationKind::kEnsure, spec.uid, apply_ensure_locked(spec),
                    std::nullopt);
  }
  AgentCallResult<agent::Operation> power(const std::string& uid,
                                          const agent::PowerRequest& request) override {
    std::lock_guard<std::mutex> lock(mu);
    ++calls;
    if (auto error = fail_locked("power"))
      return *error;
    powered.push_back({uid, request.action});
    if (defer_operations) {
      return defer_locked(
          agent::OperationKind::kPower, uid,
          [this, uid, request](agent::Operation& op) { op.vm = apply_power_locked(uid, request); });
    }
    return finished(agent::OperationKind::kPower, uid, std::nullopt,
                    apply_power_locked(uid, request));
  }
  AgentCallResult<agent::Operation> remove(const std::string& uid) override {
    std::lock_guard<std::mutex> lock(mu);
    ++calls;
    if (auto error = fail_locked("remove"))
      return *error;
    removed.push_back(uid);
    if (defer_operations) {
      return defer_locked(agent::OperationKind::kDelete, uid,
                          [this, uid](agent::Operation&) { vms.erase(uid); });
    }
    vms.erase(uid);
    return finished(agent::OperationKind::kDelete, uid, std::nullopt, std::nullopt);
  }
  AgentCallResult<agent::Operation> get_operation(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mu);
    ++calls;
    ++operation_polls;
    if (auto error = fail_locked("get_operation"))
      return *error;
    if (unreachable_polls > 0) {
      --unreachable_polls;
      return error_locked("get_operation", AgentFailure::kUnreachable, std::nullopt,
                          "connection reset");
    }
    const auto found = operations.find(id);
    if (found == operations.end())
      return error_locked("get_operation", AgentFailure::kRejected,
                          agent::AgentErrorCode::kNotFound, "no operation " + id);
    if (finish_after_polls > 0 && ++polls_of_[id] >= finish_after_polls)
      finish_one_locked(id, std::nullopt);
    return found->second;
  }

  // Runs the operations answered 202 so far, as the agent's workers would; `fail_with` makes
  // them fail with that code instead.
  void finish_operations(std::optional<agent::AgentErrorCode> fail_with = std::nullopt) {
    std::lock_guard<std::mutex> lock(mu);
    while (!deferred_.empty())
      finish_one_locked(deferred_.front().first, fail_with);
  }
  // An agent restart: every operation id is forgotten (polls answer NotFound).
  void forget_operations() {
    std::lock_guard<std::mutex> lock(mu);
    operations.clear();
    deferred_.clear();
    polls_of_.clear();
  }

 private:
  agent::EnsureResult apply_ensure_locked(const agent::VmSpec& spec) {
    agent::EnsureResult result;
    auto found = vms.find(spec.uid);
    result.created = found == vms.end();
    agent::VmStatus& vm = vms[spec.uid];
    if (result.created) {
      vm.uid = spec.uid;
      vm.vm_id = "vmid-" + spec.uid;
      vm.name = spec.host_vm_name();
      vm.cpu_count = spec.cpu.count;
      vm.state = spec.power == agent::PowerIntent::kRunning ? agent::VmState::kRunning
                                                            : agent::VmState::kOff;
      vm.ip_addresses = {"10.0.0." + std::to_string(vms.size())};
    } else if (vm.cpu_count != spec.cpu.count) {
      if (vm.state == agent::VmState::kOff) {
        vm.cpu_count = spec.cpu.count;
      }
    }
    // As the agents do: a disk grows, a new one is added, and one the spec made smaller stays
    // as it is, reported unsupported (shrinking would lose data).
    for (const auto& disk : spec.disks) {
      auto held = std::find_if(vm.disks.begin(), vm.disks.end(),
                               [&](const agent::DiskStatus& d) { return d.name == disk.name; });
      if (held == vm.disks.end())
        vm.disks.push_back(
            {disk.name, "/vms/" + spec.uid + "/" + disk.name + ".vhdx", disk.size_bytes});
      else if (disk.size_bytes < held->size_bytes)
        result.unsupported_fields.push_back("disks[" + disk.name + "].sizeBytes");
      else
        held->size_bytes = disk.size_bytes;
    }
    // As the agents do: what waits for the VM to be off stays pending (on every read) and the
    // generation marker does not advance; an ensure of an off VM applies it, then starts it.
    vm.restart_required_fields.clear();
    if (vm.cpu_count != spec.cpu.count)
      vm.restart_required_fields = {"cpu.count"};
    if (vm.state == agent::VmState::kOff && spec.power == agent::PowerIntent::kRunning)
      vm.state = agent::VmState::kRunning;
    if (vm.restart_required_fields.empty())
      vm.object_generation = spec.object_generation;
    vm.applied_spec_hash = agent::spec_hash(spec);
    vm.config_drift = false;
    result.vm = vm;
    return result;
  }
  agent::VmStatus apply_power_locked(const std::string& uid, const agent::PowerRequest& request) {
    agent::VmStatus& vm = vms.at(uid);
    switch (request.action) {
      case agent::PowerAction::kStart:
      case agent::PowerAction::kRestart:
        vm.state = agent::VmState::kRunning;
        break;
      case agent::PowerAction::kShutdown:
      case agent::PowerAction::kTurnOff:
      case agent::PowerAction::kSave:
        vm.state = agent::VmState::kOff;
        break;
    }
    return vm;
  }
  AgentCallResult<agent::Operation> defer_locked(agent::OperationKind kind, const std::string& uid,
                                                 std::function<void(agent::Operation&)> work) {
    agent::Operation op;
    op.id = "op-" + std::to_string(++operations_);
    op.kind = kind;
    op.uid = uid;
    op.state = agent::OperationState::kRunning;
    operations[op.id] = op;
    deferred_.emplace_back(op.id, std::move(work));
    return op;
  }
  // Runs one deferred operation (if still deferred) and drops it from deferred_.
  void finish_one_locked(const std::string& id, std::optional<agent::AgentErrorCode> fail_with) {
    const auto found = std::find_if(deferred_.begin(), deferred_.end(),
                                    [&](const auto& deferred) { return deferred.first == id; });
    if (found == deferred_.end())
      return;
    agent::Operation& op = operations.at(id);
    if (fail_with) {
      op.state = agent::OperationState::kFailed;
      op.error = agent::make_error(*fail_with, agent::to_string(*fail_with));
    } else {
      found->second(op);
      op.state = agent::OperationState::kSucceeded;
    }
    deferred_.erase(found);
  }
  std::vector<std::pair<std::string, std::function<void(agent::Operation&)>>> deferred_;
  std::map<std::string, int> polls_of_;  // by operation id

 public:
  std::mutex mu;
  agent::HostInfo info;
  std::map<std::string, agent::VmStatus> vms;
  std::vector<agent::VmSpec> ensured;
  std::vector<std::pair<std::string, agent::PowerAction>> powered;
  std::vector<std::string> removed;
  std::map<std::string, agent::Operation> operations;  // answered 202, by id
  int calls = 0;                  // every call that reached the agent, reads included
  int inventory_reads = 0;        // GET /v1/vms
  bool reports_digest = true;     // host info and inventory carry the inventory digest, as the
                                  // agent's API does; false: as an agent that predates it
  int operation_polls = 0;        // GET /v1/operations/{id}
  bool defer_operations = false;  // mutating calls answer 202 until finish_operations()
  int finish_after_polls = 0;     // > 0: a deferred operation succeeds on its Nth poll
  int unreachable_polls = 0;      // the next N operation polls fail as unreachable
  bool unreachable = false;
  std::optional<agent::AgentErrorCode> next_error;  // the next ensure, power or remove fails

 private:
  agent::Inventory inventory_locked() const {
    agent::Inventory inventory;
    for (const auto& [uid, vm] : vms)
      inventory.vms.push_back(vm);
    return inventory;
  }
  std::optional<AgentError> fail_locked(const std::string& operation) {
    if (unreachable)
      return error_locked(operation, AgentFailure::kUnreachable, std::nullopt,
                          "connection refused");
    const bool mutating = operation == "ensure" || operation == "power" || operation == "remove";
    if (next_error && mutating) {
      const auto code = *next_error;
      next_error.reset();
      return error_locked(operation, AgentFailure::kRejected, code, agent::to_string(code));
    }
    return std::nullopt;
  }
  AgentError error_locked(const std::string& operation, AgentFailure failure,
                          std::optional<agent::AgentErrorCode> code, const std::string& message) {
    AgentError error;
    error.host = host_;
    error.operation = operation;
    error.failure = failure;
    error.code = code;
    error.message = "host " + host_ + ": " + operation + ": " + message;
    return error;
  }
  agent::Operation finished(agent::OperationKind kind, const std::string& uid,
                            std::optional<agent::EnsureResult> result,
                            std::optional<agent::VmStatus> vm) {
    agent::Operation op;
    op.id = "op-" + std::to_string(++operations_);
    op.kind = kind;
    op.uid = uid;
    op.state = agent::OperationState::kSucceeded;
    op.ensure_result = std::move(result);
    op.vm = std::move(vm);
    return op;
  }

  std::string host_;
  int operations_ = 0;
};

// Hands out the FakeAgent registered for each host; unknown hosts fail to connect.
class FakeConnector : public AgentConnector {
 public:
  std::shared_ptr<FakeAgent> add(const std::string& host) {
    auto agent = std::make_shared<FakeAgent>(host);
    agents[host] = agent;
    return agent;
  }
  Result<std::shared_ptr<AgentClient>> connect(const AgentEndpoint& endpoint) override {
    ++connects;
    const auto found = agents.find(endpoint.host);
    if (found == agents.end())
      return Error(ErrorCode::kInvalidArgument, "host " + endpoint.host + ": no address");
    return std::shared_ptr<AgentClient>(found->second);
  }

  std::map<std::string, std::shared_ptr<FakeAgent>> agents;
  int connects = 0;
};

}  // namespace hvo::controllers::testing
