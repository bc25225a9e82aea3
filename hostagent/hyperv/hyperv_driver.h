// The Hyper-V driver: the fixed scripts in hostagent/scripts run through a ScriptRunner (the
// long-lived PowerShell worker). Decisions stay in C++: the VM is looked up by its owner marker,
// the convergence plan is computed by plan_convergence(), and the scripts only carry out the
// fields they are handed. User text reaches PowerShell only as JSON data.
#pragma once

#include <memory>
#include <string>

#include "hostagent/driver/driver.h"
#include "hostagent/hyperv/script_runner.h"

namespace hvo::agent {

struct HypervPaths {
  std::string vm_dir;     // VM configuration and disks: <vm_dir>\<uid>\...
  std::string image_dir;  // base images: <image_dir>\<image>.vhdx
};

class HypervDriver final : public Driver {
 public:
  // `writes` runs ensure, power and remove; `reads` runs host info and inventory, so reads never
  // wait behind a long write (give each its own RunnerPool).
  HypervDriver(std::unique_ptr<ScriptRunner> writes, std::unique_ptr<ScriptRunner> reads,
               HypervPaths paths)
      : writes_(std::move(writes)), reads_(std::move(reads)), paths_(std::move(paths)) {}

  std::string name() const override { return "hyperv"; }
  AgentResult<HostInfo> host_info() override;
  AgentResult<Inventory> inventory() override;
  AgentResult<VmStatus> vm(const std::string& uid) override;
  AgentResult<EnsureResult> ensure(const VmSpec& spec, const std::string& seed_iso_path) override;
  AgentResult<VmStatus> power(const std::string& uid, const PowerRequest& request) override;
  AgentStatus remove(const std::string& uid) override;
  AgentStatus release(const std::string& uid) override;
  // usage.ps1: Measure-VM of every managed VM with metering on (hyperv/usage_row.h).
  AgentResult<std::vector<VmUsage>> usage() override;
  // migrate.ps1 (Move-VM). Hyper-V reports no progress through Move-VM itself, so the operation
  // goes from 0 to 100 when the move ends.
  AgentResult<MigrateResult> migrate(const std::string& uid, const MigrateRequest& request,
                                     const ProgressFn& progress) override;

 private:
  std::unique_ptr<ScriptRunner> writes_;
  std::unique_ptr<ScriptRunner> reads_;
  const HypervPaths paths_;
};

}  // namespace hvo::agent
