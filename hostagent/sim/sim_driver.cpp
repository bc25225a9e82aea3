#include "hostagent/sim/sim_driver.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>
#include <thread>

#include "hostagent/driver/convergence.h"
#include "hostagent/protocol/spec_hash.h"
#include "hostagent/sim/sim_state_file.h"
#include "hostagent/util/atomic_file.h"
#include "hostagent/util/wall_clock.h"

namespace hvo::agent {
namespace {

std::string gib(int64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f GiB", static_cast<double>(bytes) / (1LL << 30));
  return text;
}

ErrorBody insufficient(const std::string& uid, const std::string& what, int64_t needed,
                       int64_t available, bool bytes) {
  const auto show = [&](int64_t v) { return bytes ? gib(v) : std::to_string(v); };
  return make_error(AgentErrorCode::kInsufficientResources, "vm " + uid + " needs " + show(needed) +
                                                                " of " + what + ", host has " +
                                                                show(available) + " free");
}

std::string new_vm_id(std::mt19937& random) {
  std::uniform_int_distribution<uint32_t> hex(0, 15);
  static const char kHex[] = "0123456789abcdef";
  std::string id = "xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx";
  for (char& c : id) {
    if (c == 'x')
      c = kHex[hex(random)];
  }
  return id;
}

}  // namespace

Result<std::unique_ptr<SimDriver>> SimDriver::open(SimConfig config, NowFn now) {
  std::unique_ptr<SimDriver> driver(new SimDriver(std::move(config), now ? now : wall_clock_ms));
  if (driver->config_.state_file.empty()) {
    if (auto fabric = driver->start_fabric(); !fabric.ok())
      return fabric.error();
    return driver;
  }
  auto text = read_file(driver->config_.state_file);
  if (!text.ok()) {
    if (text.error().code() == ErrorCode::kNotFound) {  // a fresh host
      if (auto fabric = driver->start_fabric(); !fabric.ok())
        return fabric.error();
      return driver;
    }
    return text.error();
  }
  auto vms = decode_sim_state(text.value());
  if (!vms.ok())
    return vms.error().with_context(driver->config_.state_file);
  for (auto& vm : vms.value())
    driver->vms_[vm.config.uid] = std::move(vm);
  if (auto fabric = driver->start_fabric(); !fabric.ok())
    return fabric.error();
  return driver;
}

Status SimDriver::start_fabric() {
  if (config_.fabric_dir.empty())
    return {};
  fabric_ = std::make_unique<SimFabric>(config_.fabric_dir, config_.host_name);
  if (auto registered = fabric_->register_host(); !registered.ok())
    return registered;
  receiver_ = std::thread([this] { receive_loop(); });
  return {};
}

SimDriver::~SimDriver() {
  {
    std::lock_guard<std::mutex> lock(receiver_mu_);
    stopping_ = true;
  }
  receiver_stop_.notify_all();
  if (receiver_.joinable())
    receiver_.join();
}

SimDriver::SimDriver(SimConfig config, NowFn now)
    : config_(std::move(config)),
      now_(std::move(now)),
      faults_(config_.faults),
      random_(config_.faults.seed) {}

void SimDriver::set_faults(SimFaults faults) {
  std::lock_guard<std::mutex> lock(mu_);
  random_.seed(faults.seed);
  faults_ = std::move(faults);
}

SimFaults SimDriver::faults() const {
  std::lock_guard<std::mutex> lock(mu_);
  return faults_;
}

AgentResult<VmStatus> SimDriver::edit(const std::string& uid, const SimEdit& edit) {
  std::lock_guard<std::mutex> lock(mu_);
  auto found = vms_.find(uid);
  if (found == vms_.end())
    return make_error(AgentErrorCode::kNotFound, "no managed vm with uid " + uid);
  VmSpec& config = found->second.config;
  if (edit.cpu_count)
    config.cpu.count = *edit.cpu_count;
  if (edit.memory_startup_bytes)
    config.memory.startup_bytes = *edit.memory_startup_bytes;
  for (const auto& [name, vlan] : edit.nic_vlans) {
    auto nic = std::find_if(config.networks.begin(), config.networks.end(),
                            [&](const NetworkSpec& n) { return n.name == name; });
    if (nic == config.networks.end())
      return make_error(AgentErrorCode::kNotFound, "vm " + uid + " has no nic " + name);
    nic->vlan_id = vlan;
  }
  for (const auto& [name, size] : edit.disk_sizes) {
    auto disk = std::find_if(config.disks.begin(), config.disks.end(),
                             [&](const DiskSpec& d) { return d.name == name; });
    if (disk == config.disks.end())
      return make_error(AgentErrorCode::kNotFound, "vm " + uid + " has no disk " + name);
    disk->size_bytes = size;
  }
  if (auto saved = persist_locked(); !saved.ok())
    return saved.error();
  settle(found->second, now_());
  return sim_vm_status(found->second, now_(), config_.vm_dir);
}

AgentStatus SimDriver::check_faults_locked(const std::string& uid, const char* call) const {
  if (faults_.host_down) {
    return make_error(AgentErrorCode::kHostUnavailable,
                      "host " + config_.host_name + " is down (injected)");
  }
  if (!uid.empty() && faults_.failing_vms.count(uid) > 0) {
    return make_error(AgentErrorCode::kDriverError,
                      std::string(call) + " of vm " + uid + " failed (injected)");
  }
  return {};
}

AgentStatus SimDriver::check_catalogue(const VmSpec& spec) const {
  if (!spec.image.empty()) {
    const bool known = std::any_of(config_.images.begin(), config_.images.end(),
                                   [&](const ImageInfo& i) { return i.name == spec.image; });
    if (!known) {
      return make_error(AgentErrorCode::kImageNotFound,
                        "image " + spec.image + " is not on host " + config_.host_name);
    }
  }
  for (const auto& net : spec.networks) {
    const bool known = std::any_of(config_.switches.begin(), config_.switches.end(),
                                   [&](const SwitchInfo& s) { return s.name == net.switch_name; });
    if (!known) {
      return make_error(AgentErrorCode::kSwitchNotFound, "switch " + net.switch_name + " (nic " +
                                                             net.name + ") is not on host " +
                                                             config_.host_name);
    }
  }
  return {};
}

int64_t SimDriver::disk_bytes(const VmSpec& config) const {
  int64_t total = 0;
  for (const auto& disk : config.disks) {
    if (disk.source == DiskSource::kImage && disk.size_bytes == 0) {
      for (const auto& image : config_.images) {
        if (image.name == config.image)
          total += image.size_bytes;
      }
    } else {
      total += disk.size_bytes;
    }
  }
  return total;
}

SimDriver::Usage SimDriver::usage_locked() const {
  Usage usage;
  const auto add = [&](const SimVm& vm) {
    usage.storage += disk_bytes(vm.config);
    if (!holds_memory(vm))
      return;
    usage.cpu += vm.config.cpu.count;
    usage.memory += vm.config.memory.startup_bytes;
  };
  for (const auto& [uid, vm] : vms_)
    add(vm);
  for (const auto& vm : orphans_)  // unmanaged, but on the host all the same
    add(vm);
  return usage;
}

void SimDriver::settle_all_locked() {
  const int64_t now = now_();
  for (auto& [uid, vm] : vms_)
    settle(vm, now);
}

AgentStatus SimDriver::persist_locked() {
  if (config_.state_file.empty())
    return {};
  std::vector<const SimVm*> list;
  list.reserve(vms_.size());
  for (const auto& [uid, vm] : vms_)
    list.push_back(&vm);
  const auto status = write_file_atomically(config_.state_file, encode_sim_state(list));
  if (!status.ok()) {
    return make_error(AgentErrorCode::kDriverError, "cannot save the sim host's state",
                      status.error().message());
  }
  return {};
}

AgentResult<HostInfo> SimDriver::host_info() {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto status = check_faults_locked("", "host info"); !status.ok())
    return status.error();
  settle_all_locked();
  const Usage usage = usage_locked();
  HostInfo info;
  info.name = config_.host_name;
  info.agent_version = HVO_VERSION;
  info.os = "Simulated Windows Server 2025";
  info.driver = name();
  info.capacity = config_.capacity;
  info.free = {std::max<int64_t>(0, config_.capacity.cpu - usage.cpu),
               std::max<int64_t>(0, config_.capacity.memory_bytes - usage.memory),
               std::max<int64_t>(0, config_.capacity.storage_bytes - usage.storage)};
  info.capabilities = {"dynamicMemory", "hotAddNetworkAdapter", "nestedVirtualization",
                       "secureBoot", "tpm"};
  info.switches = config_.switches;
  info.images = config_.images;
  info.vm_count = static_cast<int64_t>(vms_.size());
  info.unmanaged_vm_count = config_.unmanaged_vm_count + static_cast<int64_t>(orphans_.size());
  if (fabric_) {
    info.capabilities.push_back("liveMigration");
    info.migration.enabled = true;
    info.migration.maximum_migrations = 2;
  }
  return info;
}

AgentResult<std::vector<VmUsage>> SimDriver::usage() {
  std::lock_guard<std::mutex> lock(mu_);
  settle_all_locked();
  const int64_t now = now_();
  std::vector<VmUsage> reading;
  std::set<std::string> uids;
  for (const auto& [uid, vm] : vms_) {
    reading.push_back(meter_.sample(vm, now));
    uids.insert(uid);
  }
  meter_.keep_only(uids);
  return reading;
}

AgentResult<Inventory> SimDriver::inventory() {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto status = check_faults_locked("", "inventory"); !status.ok())
    return status.error();
  settle_all_locked();
  Inventory inventory;
  inventory.vms.reserve(vms_.size());
  const int64_t now = now_();
  for (const auto& [uid, vm] : vms_)
    inventory.vms.push_back(sim_vm_status(vm, now, config_.vm_dir));
  inventory.unmanaged_count = config_.unmanaged_vm_count + static_cast<int64_t>(orphans_.size());
  return inventory;
}

AgentResult<VmStatus> SimDriver::vm(const std::string& uid) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto status = check_faults_locked(uid, "inventory"); !status.ok())
    return status.error();
  auto found = vms_.find(uid);
  if (found == vms_.end())
    return make_error(AgentErrorCode::kNotFound, "no managed vm with uid " + uid);
  settle(found->second, now_());
  return sim_vm_status(found->second, now_(), config_.vm_dir);
}

AgentStatus SimDriver::check_fits_on_create(const VmSpec& spec, const Usage& usage) const {
  if (spec.cpu.count > config_.capacity.cpu) {
    return insufficient(spec.uid, "logical processors", spec.cpu.count, config_.capacity.cpu,
                        false);
  }
  if (spec.memory.startup_bytes > config_.capacity.memory_bytes) {
    return insufficient(spec.uid, "memory", spec.memory.startup_bytes,
                        config_.capacity.memory_bytes, true);
  }
  const int64_t storage = disk_bytes(spec);
  if (usage.storage + storage > config_.capacity.storage_bytes) {
    return insufficient(spec.uid, "storage", storage,
                        config_.capacity.storage_bytes - usage.storage, true);
  }
  return {};
}

// New-VM: the VM exists with its name, generation, startup memory and base image, but no
// devices yet. Persisted at once, like a real host, before anything else can fail.
AgentResult<SimVm*> SimDriver::create_locked(const VmSpec& spec) {
  std::uniform_real_distribution<double> draw(0.0, 1.0);
  if (faults_.create_failure_ratio > 0 && draw(random_) < faults_.create_failure_ratio) {
    return make_error(AgentErrorCode::kDriverError,
                      "New-VM for vm " + spec.uid + " failed (injected)");
  }
  if (auto fits = check_fits_on_create(spec, usage_locked()); !fits.ok())
    return fits.error();
  SimVm vm;
  vm.vm_id = new_vm_id(random_);
  vm.config = spec;
  vm.config.cpu = CpuSpec{};
  vm.config.memory = MemorySpec{spec.memory.startup_bytes, std::nullopt};
  vm.config.firmware = FirmwareSpec{};
  vm.config.disks.clear();
  vm.config.networks.clear();
  SimVm& stored = vms_[spec.uid] = std::move(vm);
  if (auto status = persist_locked(); !status.ok())
    return status.error();
  return &stored;
}

AgentStatus SimDriver::start_locked(SimVm& vm, PowerAction action) {
  const bool will_hold_memory = action == PowerAction::kStart && !holds_memory(vm);
  if (will_hold_memory) {
    const int64_t free = config_.capacity.memory_bytes - usage_locked().memory;
    if (vm.config.memory.startup_bytes > free) {
      return insufficient(vm.config.uid, "memory to start", vm.config.memory.startup_bytes, free,
                          true);
    }
  }
  return apply_power_action(vm, action, now_(), config_.latencies);
}

AgentResult<EnsureResult> SimDriver::ensure(const VmSpec& spec, const std::string& seed_iso_path) {
  std::unique_lock<std::mutex> lock(mu_);
  if (auto status = check_faults_locked(spec.uid, "ensure"); !status.ok())
    return status.error();
  if (auto status = check_catalogue(spec); !status.ok())
    return status.error();

  EnsureResult result;
  auto found = vms_.find(spec.uid);
  if (found == vms_.end()) {
    if (config_.latencies.create_ms > 0) {  // New-VM takes time; other VMs proceed meanwhile
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(config_.latencies.create_ms));
      lock.lock();
    }
    auto created = create_locked(spec);
    if (!created.ok())
      return created.error();
    result.created = true;
    if (faults_.crash_after_create.erase(spec.uid) > 0) {
      return make_error(AgentErrorCode::kDriverError,
                        "agent crashed after creating vm " + spec.uid + " (injected)");
    }
    found = vms_.find(spec.uid);
  }
  SimVm& vm = found->second;
  settle(vm, now_());

  const ConvergencePlan plan = plan_convergence(spec, vm.config, vm.state);
  VmSpec next = apply_fields(vm.config, spec, plan.apply_now);
  const Usage usage = usage_locked();
  const int64_t growth = disk_bytes(next) - disk_bytes(vm.config);
  if (growth > 0 && usage.storage + growth > config_.capacity.storage_bytes) {
    return insufficient(spec.uid, "storage", growth, config_.capacity.storage_bytes - usage.storage,
                        true);
  }
  next.name = spec.name;  // renames and bookkeeping fields apply live
  next.namespace_ = spec.namespace_;
  // The generation marker says "this spec is on the VM": not while part of it waits.
  next.object_generation =
      plan.restart_required.empty() ? spec.object_generation : vm.config.object_generation;
  next.cloud_init = spec.cloud_init;
  next.power = spec.power;
  vm.config = std::move(next);
  vm.configured = true;
  vm.dvd_path = seed_iso_path;
  vm.restart_required_fields = plan.restart_required;
  vm.applied_spec_hash = spec_hash(spec);
  vm.applied_config_hash = config_hash(vm.config);
  result.changed_fields = plan.apply_now;
  result.unsupported_fields = plan.unsupported;

  AgentStatus power_status;
  if (spec.power == PowerIntent::kRunning) {
    power_status = start_locked(vm, PowerAction::kStart);
  } else if (spec.power == PowerIntent::kOff && holds_memory(vm)) {
    power_status = apply_power_action(vm, PowerAction::kShutdown, now_(), config_.latencies);
  }
  if (auto saved = persist_locked(); !saved.ok())
    return saved.error();
  if (!power_status.ok())
    return power_status.error();
  result.vm = sim_vm_status(vm, now_(), config_.vm_dir);
  return result;
}

AgentResult<VmStatus> SimDriver::power(const std::string& uid, const PowerRequest& request) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto status = check_faults_locked(uid, "power"); !status.ok())
    return status.error();
  auto found = vms_.find(uid);
  if (found == vms_.end()) {
    return make_error(AgentErrorCode::kNotFound, "no managed vm with uid " + uid);
  }
  SimVm& vm = found->second;
  settle(vm, now_());
  const bool was_up = vm.state == VmState::kRunning || vm.state == VmState::kStarting;
  if (auto status = start_locked(vm, request.action); !status.ok())
    return status.error();
  // A guest that ignores the request: Hyper-V's shutdown waits for it until the timeout, then
  // the VM is turned off.
  if (request.action == PowerAction::kShutdown && was_up &&
      faults_.ignore_shutdown.count(uid) > 0) {
    vm.state = VmState::kStopping;
    vm.transition_ends_at_ms = now_() + request.timeout_seconds * 1000;
  }
  if (auto saved = persist_locked(); !saved.ok())
    return saved.error();
  return sim_vm_status(vm, now_(), config_.vm_dir);
}

AgentStatus SimDriver::release(const std::string& uid) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto status = check_faults_locked(uid, "release"); !status.ok())
    return status;
  auto found = vms_.find(uid);
  if (found == vms_.end())
    return {};
  orphans_.push_back(std::move(found->second));
  orphans_.back().config.uid.clear();  // the owner marker goes
  vms_.erase(found);
  return persist_locked();
}

AgentStatus SimDriver::remove(const std::string& uid) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto status = check_faults_locked(uid, "remove"); !status.ok())
    return status;
  if (vms_.erase(uid) == 0)
    return {};
  return persist_locked();
}

}  // namespace hvo::agent

namespace hvo::agent {

namespace {

// How long the source waits for the destination to claim an offer before it takes it back,
// and, once claimed, for its answer. The destination polls every kReceivePoll.
constexpr auto kClaimPatience = std::chrono::seconds(20);
constexpr auto kAnswerPatience = std::chrono::seconds(60);
constexpr auto kHandOverPoll = std::chrono::milliseconds(10);
constexpr auto kReceivePoll = std::chrono::milliseconds(20);

}  // namespace

AgentResult<MigrateResult> SimDriver::migrate(const std::string& uid, const MigrateRequest& request,
                                              const ProgressFn& progress) {
  std::string record;
  std::string vm_id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto status = check_faults_locked(uid, "migrate"); !status.ok())
      return status.error();
    if (!fabric_) {
      return make_error(AgentErrorCode::kDriverError, "sim host " + config_.host_name +
                                                          " cannot migrate vm " + uid +
                                                          ": it has no sim.fabricDir");
    }
    auto found = vms_.find(uid);
    if (found == vms_.end())
      return make_error(AgentErrorCode::kNotFound, "no managed vm with uid " + uid);
    if (request.destination_host == config_.host_name) {
      return make_error(AgentErrorCode::kConflict,
                        "vm " + uid + " already runs on " + config_.host_name);
    }
    if (!fabric_->has_host(request.destination_host)) {
      return make_error(AgentErrorCode::kDriverError,
                        "cannot reach destination host " + request.destination_host +
                            " for the migration of vm " + uid + " (not in the sim fabric)");
    }
    settle(found->second, now_());
    if (found->second.state == VmState::kStarting || found->second.state == VmState::kStopping) {
      return make_error(AgentErrorCode::kConflict, "vm " + uid + " is " +
                                                       to_string(found->second.state) +
                                                       "; migrate it once it is running or off");
    }
    vm_id = found->second.vm_id;
  }

  // The "copy": memory pages (and disks with includeStorage) go over while the VM keeps running.
  const int64_t steps = 10;
  for (int64_t step = 1; step < steps; ++step) {
    if (config_.latencies.migrate_ms > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(config_.latencies.migrate_ms / steps));
    if (progress)
      progress(step * 100 / steps);
    if (step * 2 == steps) {
      std::lock_guard<std::mutex> lock(mu_);
      if (faults_.fail_migration.count(uid) > 0) {
        return make_error(AgentErrorCode::kDriverError,
                          "migration of vm " + uid + " to " + request.destination_host +
                              " failed halfway (injected); the vm stays on " + config_.host_name);
      }
    }
  }

  // The hand-over: the VM as it is now, with its state, to the destination.
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto found = vms_.find(uid);
    if (found == vms_.end())
      return make_error(AgentErrorCode::kNotFound, "vm " + uid + " went away during its migration");
    settle(found->second, now_());
    record = encode_sim_state({&found->second});
  }
  if (auto offered = fabric_->offer(request.destination_host, uid, record); !offered.ok()) {
    return make_error(AgentErrorCode::kDriverError,
                      "cannot hand vm " + uid + " to " + request.destination_host,
                      offered.error().message());
  }
  if (auto handed = await_hand_over(request.destination_host, uid); !handed.ok())
    return handed.error();

  std::lock_guard<std::mutex> lock(mu_);
  vms_.erase(uid);
  if (auto saved = persist_locked(); !saved.ok())
    return saved.error();
  return MigrateResult{request.destination_host, vm_id};
}

AgentStatus SimDriver::await_hand_over(const std::string& destination, const std::string& uid) {
  const auto claim_deadline = std::chrono::steady_clock::now() + kClaimPatience;
  auto answer_deadline = claim_deadline + kAnswerPatience;
  while (true) {
    std::string reason;
    switch (fabric_->poll(destination, uid, reason)) {
      case SimFabric::OfferState::kTaken:
        fabric_->forget(destination, uid);
        return {};
      case SimFabric::OfferState::kRefused:
        fabric_->forget(destination, uid);
        return make_error(AgentErrorCode::kDriverError,
                          "destination host " + destination + " refused vm " + uid + ": " + reason);
      case SimFabric::OfferState::kWaiting:
        break;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now > claim_deadline && fabric_->withdraw(destination, uid)) {
      return make_error(AgentErrorCode::kTimeout, "destination host " + destination +
                                                      " did not take vm " + uid +
                                                      "; the vm stays on " + config_.host_name);
    }
    if (now > answer_deadline) {
      // Claimed but never answered: the destination may own the VM now. Keeping the source copy
      // is the safe side (the operator sees the VM here and on the destination's inventory).
      return make_error(AgentErrorCode::kTimeout, "destination host " + destination +
                                                      " claimed vm " + uid + " but never answered");
    }
    std::this_thread::sleep_for(kHandOverPoll);
  }
}

void SimDriver::receive_loop() {
  std::unique_lock<std::mutex> stop_lock(receiver_mu_);
  while (!stopping_) {
    stop_lock.unlock();
    for (const auto& incoming : fabric_->claim())
      adopt(incoming);
    stop_lock.lock();
    receiver_stop_.wait_for(stop_lock, kReceivePoll, [this] { return stopping_; });
  }
}

void SimDriver::adopt(const SimFabric::Incoming& incoming) {
  auto decoded = decode_sim_state(incoming.record);
  if (!decoded.ok() || decoded.value().size() != 1) {
    (void)fabric_->refuse(incoming.uid, "the offered vm record is not one sim vm");
    return;
  }
  SimVm vm = std::move(decoded.value().front());
  std::lock_guard<std::mutex> lock(mu_);
  if (faults_.host_down) {
    (void)fabric_->refuse(incoming.uid, "host " + config_.host_name + " is down (injected)");
    return;
  }
  if (vm.config.uid != incoming.uid || vms_.count(vm.config.uid) > 0) {
    (void)fabric_->refuse(incoming.uid,
                          "host " + config_.host_name + " already has vm " + incoming.uid);
    return;
  }
  settle_all_locked();
  const Usage usage = usage_locked();
  if (auto fits = check_catalogue(vm.config); !fits.ok()) {
    (void)fabric_->refuse(incoming.uid, fits.error().message);
    return;
  }
  if (auto fits = check_fits_on_create(vm.config, usage); !fits.ok()) {
    (void)fabric_->refuse(incoming.uid, fits.error().message);
    return;
  }
  if (holds_memory(vm) &&
      vm.config.memory.startup_bytes > config_.capacity.memory_bytes - usage.memory) {
    (void)fabric_->refuse(
        incoming.uid, insufficient(vm.config.uid, "memory to run", vm.config.memory.startup_bytes,
                                   config_.capacity.memory_bytes - usage.memory, true)
                          .message);
    return;
  }
  // The source's cloud-init seed stays behind; this host's next ensure attaches its own.
  vm.dvd_path.clear();
  const std::string uid = vm.config.uid;
  vms_[uid] = std::move(vm);
  if (auto saved = persist_locked(); !saved.ok()) {
    vms_.erase(uid);
    (void)fabric_->refuse(uid, saved.error().message);
    return;
  }
  if (auto acked = fabric_->acknowledge(uid); !acked.ok()) {
    vms_.erase(uid);
    (void)persist_locked();
  }
}

}  // namespace hvo::agent
