// The seam between the agent's API and a hypervisor: the simulated host ("sim") for tests, demos
// and benchmarks, and Hyper-V through PowerShell ("hyperv"). Every call may be repeated after a
// crash at any point: ensure looks the VM up by its owner marker (the uid), never by name, and
// creates it only when no VM carries the marker.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "hostagent/driver/vm_usage.h"

#include "hostagent/protocol/agent_result.h"
#include "hostagent/protocol/host_info.h"
#include "hostagent/protocol/migrate.h"
#include "hostagent/protocol/operation.h"
#include "hostagent/protocol/vm_spec.h"
#include "hostagent/protocol/vm_status.h"

namespace hvo::agent {

// Reports how far a long call got, 0..100 (a migration's progress).
using ProgressFn = std::function<void(int64_t percent)>;

class Driver {
 public:
  virtual ~Driver() = default;

  virtual std::string name() const = 0;  // "sim" | "hyperv"
  virtual AgentResult<HostInfo> host_info() = 0;
  virtual AgentResult<Inventory> inventory() = 0;
  // One managed VM, read on its own (GET /v1/vms/{uid}); kNotFound when no VM carries the uid.
  virtual AgentResult<VmStatus> vm(const std::string& uid) = 0;
  // Creates the VM if missing, converges what can change now, reports what needs the VM off and
  // applies the power intent. `seed_iso_path` is the cloud-init ISO to attach ("" detaches).
  virtual AgentResult<EnsureResult> ensure(const VmSpec& spec,
                                           const std::string& seed_iso_path) = 0;
  virtual AgentResult<VmStatus> power(const std::string& uid, const PowerRequest& request) = 0;
  // Removes the VM and the disks it owns. A VM that does not exist is success (idempotent).
  virtual AgentStatus remove(const std::string& uid) = 0;
  // Stops managing the VM (spec.deletionPolicy Orphan): the owner marker goes, the VM and its
  // disks stay on the host as an unmanaged VM. A VM that does not exist is success.
  // Live-migrates the VM to another host (Move-VM). On success the destination owns the VM
  // (same VM id, same owner marker) and this host no longer has it; on failure the VM stays here
  // as it was, as Move-VM leaves it.
  virtual AgentResult<MigrateResult> migrate(const std::string& uid, const MigrateRequest& request,
                                             const ProgressFn& progress) {
    (void)request;
    (void)progress;
    return make_error(AgentErrorCode::kDriverError,
                      "driver " + name() + " cannot migrate vm " + uid);
  }
  virtual AgentStatus release(const std::string& uid) {
    return make_error(AgentErrorCode::kDriverError,
                      "driver " + name() + " cannot release vm " + uid + " (orphan)");
  }
  // What each managed VM has used (vm_usage.h), read when /metrics is scraped. A driver that
  // does not meter reports no VM.
  virtual AgentResult<std::vector<VmUsage>> usage() { return std::vector<VmUsage>{}; }
};

}  // namespace hvo::agent
