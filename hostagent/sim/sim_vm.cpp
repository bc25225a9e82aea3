#include "hostagent/sim/sim_vm.h"

#include <functional>

#include "hostagent/protocol/spec_hash.h"

namespace hvo::agent {
namespace {

void begin(SimVm& vm, VmState transitional, VmState final_state, int64_t latency_ms,
           int64_t now_ms) {
  vm.state = latency_ms > 0 ? transitional : final_state;
  vm.transition_ends_at_ms = now_ms + latency_ms;
  if (vm.state == VmState::kRunning)
    vm.running_since_ms = now_ms;
}

ErrorBody conflict(const SimVm& vm, PowerAction action) {
  return make_error(AgentErrorCode::kConflict, std::string("vm ") + vm.config.uid + " cannot " +
                                                   to_string(action) + " while " +
                                                   to_string(vm.state));
}

// A stable fake address per VM and NIC, so demos show IPs that do not change between scrapes.
std::string fake_ip(const std::string& uid, const std::string& nic) {
  const std::size_t h = std::hash<std::string>{}(uid + "/" + nic);
  return "10." + std::to_string((h >> 16) & 0xff) + "." + std::to_string((h >> 8) & 0xff) + "." +
         std::to_string(2 + (h & 0xff) % 250);
}

std::string fake_dynamic_mac(const std::string& uid, const std::string& nic) {
  const std::size_t h = std::hash<std::string>{}(uid + "#" + nic);
  static const char kHex[] = "0123456789ABCDEF";
  std::string mac = "00155D";
  for (int shift = 20; shift >= 0; shift -= 4)
    mac.push_back(kHex[(h >> shift) & 0xf]);
  return mac;
}

}  // namespace

void settle(SimVm& vm, int64_t now_ms) {
  if (now_ms < vm.transition_ends_at_ms)
    return;
  if (vm.state == VmState::kStarting) {
    vm.state = VmState::kRunning;
    vm.running_since_ms = vm.transition_ends_at_ms;
  } else if (vm.state == VmState::kStopping) {
    vm.state = VmState::kOff;
  }
}

AgentStatus apply_power_action(SimVm& vm, PowerAction action, int64_t now_ms,
                               const SimLatencies& latencies) {
  const VmState state = vm.state;
  switch (action) {
    case PowerAction::kStart:
      if (state == VmState::kOff || state == VmState::kSaved) {
        begin(vm, VmState::kStarting, VmState::kRunning, latencies.start_ms, now_ms);
      } else if (state == VmState::kStopping) {
        return conflict(vm, action);
      }
      return {};
    case PowerAction::kShutdown:
      if (state == VmState::kRunning || state == VmState::kStarting) {
        begin(vm, VmState::kStopping, VmState::kOff, latencies.stop_ms, now_ms);
      } else if (state == VmState::kSaved) {
        return conflict(vm, action);
      }
      return {};
    case PowerAction::kTurnOff:
      vm.state = VmState::kOff;
      vm.transition_ends_at_ms = 0;
      return {};
    case PowerAction::kRestart:
      if (state != VmState::kRunning && state != VmState::kStarting)
        return conflict(vm, action);
      begin(vm, VmState::kStarting, VmState::kRunning, latencies.start_ms, now_ms);
      return {};
    case PowerAction::kSave:
      if (state == VmState::kSaved)
        return {};
      if (state != VmState::kRunning)
        return conflict(vm, action);
      vm.state = VmState::kSaved;
      return {};
  }
  return conflict(vm, action);
}

bool holds_memory(const SimVm& vm) {
  return vm.state == VmState::kStarting || vm.state == VmState::kRunning ||
         vm.state == VmState::kStopping;
}

VmStatus sim_vm_status(const SimVm& vm, int64_t now_ms, const std::string& vm_dir) {
  VmStatus s;
  s.uid = vm.config.uid;
  s.vm_id = vm.vm_id;
  s.name = vm.config.host_vm_name();
  s.state = vm.state;
  s.raw_state = to_string(vm.state);
  s.generation = vm.config.generation;
  s.cpu_count = vm.config.cpu.count;
  s.memory_startup_bytes = vm.config.memory.startup_bytes;
  s.dynamic_memory_enabled = vm.config.memory.dynamic.has_value();
  const bool running = vm.state == VmState::kRunning;
  s.memory_assigned_bytes = holds_memory(vm) ? vm.config.memory.startup_bytes : 0;
  s.uptime_seconds = running ? (now_ms - vm.running_since_ms) / 1000 : 0;
  for (const auto& net : vm.config.networks) {
    // A NIC without a static MAC gets one from Hyper-V's pool (00:15:5D) that stays put.
    const std::string mac =
        net.mac_address.empty() ? fake_dynamic_mac(vm.config.uid, net.name) : net.mac_address;
    NicStatus nic{net.name, net.switch_name, mac, net.vlan_id, {}};
    if (running) {
      nic.ip_addresses.push_back(fake_ip(vm.config.uid, net.name));
      s.ip_addresses.push_back(nic.ip_addresses.back());
    }
    s.nics.push_back(std::move(nic));
  }
  for (const auto& disk : vm.config.disks) {
    s.disks.push_back(
        {disk.name, vm_dir + "\\" + vm.config.uid + "\\" + disk.name + ".vhdx", disk.size_bytes});
  }
  s.dvd_path = vm.dvd_path;
  s.object_generation = vm.config.object_generation;
  s.restart_required_fields = vm.restart_required_fields;
  s.applied_spec_hash = vm.applied_spec_hash;
  s.config_drift =
      !vm.applied_config_hash.empty() && config_hash(vm.config) != vm.applied_config_hash;
  return s;
}

}  // namespace hvo::agent
