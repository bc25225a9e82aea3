#include "hostagent/sim/sim_usage.h"

#include <algorithm>
#include <functional>
#include <iterator>

namespace hvo::agent {
namespace {

// Per second of a VM holding resources, before the per-VM factor.
constexpr double kCpuShare = 0.25;  // of each virtual processor
constexpr double kDiskReadBytes = 256.0 * 1024;
constexpr double kDiskWriteBytes = 128.0 * 1024;
constexpr double kNetworkRxBytes = 64.0 * 1024;
constexpr double kNetworkTxBytes = 32.0 * 1024;

// 1.0 to 1.875 by the uid, fixed per VM.
double factor(const std::string& uid) {
  return 1.0 + static_cast<double>(std::hash<std::string>{}(uid) % 8) / 8.0;
}

std::int64_t bytes(double per_second, double seconds) {
  return static_cast<std::int64_t>(per_second * seconds);
}

}  // namespace

VmUsage SimUsageMeter::sample(const SimVm& vm, int64_t now_ms) {
  const std::string& uid = vm.config.uid;
  auto [it, is_new] = totals_.try_emplace(uid);
  Totals& totals = it->second;
  if (is_new)
    totals.last_ms = now_ms;
  const bool holding = holds_memory(vm);
  if (holding && now_ms > totals.last_ms) {
    const double seconds = static_cast<double>(now_ms - totals.last_ms) / 1000.0 * factor(uid);
    VmUsage& usage = totals.usage;
    usage.cpu_seconds += kCpuShare * static_cast<double>(vm.config.cpu.count) * seconds;
    usage.disk_read_bytes += bytes(kDiskReadBytes, seconds);
    usage.disk_write_bytes += bytes(kDiskWriteBytes, seconds);
    usage.network_rx_bytes += bytes(kNetworkRxBytes, seconds);
    usage.network_tx_bytes += bytes(kNetworkTxBytes, seconds);
  }
  totals.last_ms = std::max(totals.last_ms, now_ms);
  VmUsage usage = totals.usage;
  usage.uid = uid;
  usage.ns = vm.config.namespace_;
  usage.name = vm.config.name;
  usage.memory_assigned_bytes = holding ? vm.config.memory.startup_bytes : 0;
  return usage;
}

void SimUsageMeter::keep_only(const std::set<std::string>& uids) {
  for (auto it = totals_.begin(); it != totals_.end();)
    it = uids.count(it->first) ? std::next(it) : totals_.erase(it);
}

}  // namespace hvo::agent
