// Synthetic usage of the sim host's VMs (GET /metrics): while a VM holds resources (Starting,
// Running, Stopping) its counters grow at fixed rates scaled by its size and a per-VM factor,
// so dashboards show distinct, plausible lines and tests can watch them grow. The figures start
// at zero when the agent first sees the VM (kept in memory: an agent restart is a counter reset,
// which Prometheus' rate() handles).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "hostagent/driver/vm_usage.h"
#include "hostagent/sim/sim_vm.h"

namespace hvo::agent {

class SimUsageMeter {
 public:
  // The VM's figures at `now_ms`, advanced by the time it held resources since the last sample.
  VmUsage sample(const SimVm& vm, int64_t now_ms);
  // Drops the figures of VMs that are gone.
  void keep_only(const std::set<std::string>& uids);

 private:
  struct Totals {
    int64_t last_ms = 0;
    VmUsage usage;
  };
  std::map<std::string, Totals> totals_;  // by uid
};

}  // namespace hvo::agent
