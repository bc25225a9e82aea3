// The agent's VM use cases between the HTTP layer and the driver: ensure writes the VM's
// cloud-init seed before asking the driver to converge, remove cleans the seeds up after.
#pragma once

#include <string>

#include "hostagent/driver/driver.h"
#include "hostagent/server/seed_store.h"

namespace hvo::agent {

class VmService {
 public:
  VmService(Driver& driver, SeedStore seeds) : driver_(driver), seeds_(std::move(seeds)) {}

  AgentResult<EnsureResult> ensure(const VmSpec& spec);
  AgentResult<VmStatus> power(const std::string& uid, const PowerRequest& request);
  AgentStatus remove(const std::string& uid);
  // The VM stays on the host, unmanaged; its seed ISO stays attached (the VM may still boot it).
  AgentStatus release(const std::string& uid);
  // Moves the VM to another host; on success its cloud-init seeds here go (the destination's
  // next ensure writes its own).
  AgentResult<MigrateResult> migrate(const std::string& uid, const MigrateRequest& request,
                                     const ProgressFn& progress);
  Driver& driver() { return driver_; }

 private:
  Driver& driver_;
  SeedStore seeds_;
};

}  // namespace hvo::agent
