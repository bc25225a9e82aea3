// A Driver decorator that times every call and counts failures by error code, and keeps the
// hyperv_agent_vms gauge current from each inventory.
#pragma once

#include <memory>

#include "hostagent/driver/driver.h"
#include "hostagent/server/agent_metrics.h"

namespace hvo::agent {

class MeteredDriver final : public Driver {
 public:
  MeteredDriver(Driver& inner, AgentMetrics& metrics) : inner_(inner), metrics_(metrics) {}

  std::string name() const override { return inner_.name(); }
  AgentResult<HostInfo> host_info() override;
  AgentResult<Inventory> inventory() override;
  AgentResult<VmStatus> vm(const std::string& uid) override;
  AgentResult<EnsureResult> ensure(const VmSpec& spec, const std::string& seed_iso_path) override;
  AgentResult<VmStatus> power(const std::string& uid, const PowerRequest& request) override;
  AgentStatus remove(const std::string& uid) override;
  AgentStatus release(const std::string& uid) override;
  AgentResult<std::vector<VmUsage>> usage() override;
  AgentResult<MigrateResult> migrate(const std::string& uid, const MigrateRequest& request,
                                     const ProgressFn& progress) override;

 private:
  template <typename Call>
  auto timed(const char* call, Call&& run);
  void count_error(const char* call, const ErrorBody& error);

  Driver& inner_;
  AgentMetrics& metrics_;
};

}  // namespace hvo::agent
