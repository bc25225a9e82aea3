// The simulated Hyper-V host: capacity and catalogue from config, VMs with a power state
// machine, resource accounting that refuses what a real host would, injected failures, and the
// VM set kept in a state file across restarts. Thread-safe.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include "common/status.h"
#include "hostagent/driver/driver.h"
#include "hostagent/sim/sim_config.h"
#include "hostagent/sim/sim_usage.h"
#include "hostagent/sim/sim_fabric.h"
#include "hostagent/sim/sim_vm.h"

namespace hvo::agent {

class SimDriver final : public Driver {
 public:
  using NowFn = std::function<int64_t()>;  // wall-clock milliseconds (persisted deadlines)

  // Loads config.state_file when it exists; kInvalidArgument when it is unreadable or corrupt.
  // With config.fabric_dir it registers the host there and starts receiving migrations.
  static Result<std::unique_ptr<SimDriver>> open(SimConfig config, NowFn now = nullptr);
  ~SimDriver() override;

  std::string name() const override { return "sim"; }
  AgentResult<HostInfo> host_info() override;
  AgentResult<Inventory> inventory() override;
  AgentResult<VmStatus> vm(const std::string& uid) override;
  AgentResult<EnsureResult> ensure(const VmSpec& spec, const std::string& seed_iso_path) override;
  AgentResult<VmStatus> power(const std::string& uid, const PowerRequest& request) override;
  AgentStatus remove(const std::string& uid) override;
  // The VM moves to the host's unmanaged VMs (still using its resources); kept in memory only.
  AgentStatus release(const std::string& uid) override;
  // Synthetic, monotonic figures (sim_usage.h).
  AgentResult<std::vector<VmUsage>> usage() override;
  // Hands the VM to the destination sim agent through the fabric (sim_fabric.h), after
  // latencies.migrate_ms of "copying" reported as progress; the VM keeps running here until the
  // destination took it.
  AgentResult<MigrateResult> migrate(const std::string& uid, const MigrateRequest& request,
                                     const ProgressFn& progress) override;

  // Failure injection for tests (also reachable through the agent's test-only endpoint).
  void set_faults(SimFaults faults);
  SimFaults faults() const;
  // A hand edit on the host: the VM's configuration changes, what the agent recorded does not
  // (the next GET reports configDrift). kNotFound for an unknown uid or device.
  AgentResult<VmStatus> edit(const std::string& uid, const SimEdit& edit);

 private:
  SimDriver(SimConfig config, NowFn now);

  struct Usage {
    int64_t cpu = 0;      // vCPUs of VMs that hold resources
    int64_t memory = 0;   // startup memory of VMs that hold resources
    int64_t storage = 0;  // every disk of every VM
  };

  AgentStatus check_faults_locked(const std::string& uid, const char* call) const;
  AgentStatus check_catalogue(const VmSpec& spec) const;
  AgentStatus check_fits_on_create(const VmSpec& spec, const Usage& usage) const;
  AgentResult<SimVm*> create_locked(const VmSpec& spec);
  AgentStatus start_locked(SimVm& vm, PowerAction action);
  int64_t disk_bytes(const VmSpec& config) const;
  Usage usage_locked() const;
  void settle_all_locked();
  AgentStatus persist_locked();
  // The destination side: claims offered VMs every few milliseconds until the driver goes.
  Status start_fabric();
  void receive_loop();
  void adopt(const SimFabric::Incoming& incoming);
  // Waits for the destination's answer to an offer; an unclaimed offer is withdrawn after
  // `patience`.
  AgentStatus await_hand_over(const std::string& destination, const std::string& uid);

  const SimConfig config_;
  const NowFn now_;
  mutable std::mutex mu_;
  SimFaults faults_;
  std::mt19937 random_;
  std::map<std::string, SimVm> vms_;  // by uid, the owner marker
  std::vector<SimVm> orphans_;        // released: no owner marker, still on the host
  SimUsageMeter meter_;
  std::unique_ptr<SimFabric> fabric_;  // null without config.fabric_dir
  std::mutex receiver_mu_;
  std::condition_variable receiver_stop_;
  bool stopping_ = false;  // guarded by receiver_mu_
  std::thread receiver_;
};

}  // namespace hvo::agent
