#include "hostagent/server/metered_driver.h"

#include <chrono>
#include <map>

namespace hvo::agent {

template <typename Call>
auto MeteredDriver::timed(const char* call, Call&& run) {
  const auto start = std::chrono::steady_clock::now();
  auto result = run();
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  metrics_.driver_duration.with({inner_.name(), call}).observe(took.count());
  if (!result.ok())
    count_error(call, result.error());
  return result;
}

void MeteredDriver::count_error(const char* call, const ErrorBody& error) {
  metrics_.driver_errors.with({inner_.name(), call, to_string(error.code)}).inc();
}

AgentResult<HostInfo> MeteredDriver::host_info() {
  return timed("host_info", [&] { return inner_.host_info(); });
}

AgentResult<Inventory> MeteredDriver::inventory() {
  auto result = timed("inventory", [&] { return inner_.inventory(); });
  if (result.ok()) {
    std::map<std::string, int> by_state;
    for (const char* state :
         {"Off", "Starting", "Running", "Stopping", "Saved", "Paused", "Other"}) {
      by_state[state] = 0;
    }
    for (const auto& vm : result->vms)
      ++by_state[to_string(vm.state)];
    for (const auto& [state, count] : by_state)
      metrics_.vms.with({state}).set(count);
  }
  return result;
}

AgentResult<VmStatus> MeteredDriver::vm(const std::string& uid) {
  return timed("vm", [&] { return inner_.vm(uid); });
}

AgentResult<EnsureResult> MeteredDriver::ensure(const VmSpec& spec,
                                                const std::string& seed_iso_path) {
  return timed("ensure", [&] { return inner_.ensure(spec, seed_iso_path); });
}

AgentResult<MigrateResult> MeteredDriver::migrate(const std::string& uid,
                                                  const MigrateRequest& request,
                                                  const ProgressFn& progress) {
  return timed("migrate", [&] { return inner_.migrate(uid, request, progress); });
}

AgentResult<VmStatus> MeteredDriver::power(const std::string& uid, const PowerRequest& request) {
  return timed("power", [&] { return inner_.power(uid, request); });
}

AgentStatus MeteredDriver::release(const std::string& uid) {
  return timed("release", [&] { return inner_.release(uid); });
}

AgentResult<std::vector<VmUsage>> MeteredDriver::usage() {
  return timed("usage", [&] { return inner_.usage(); });
}

AgentStatus MeteredDriver::remove(const std::string& uid) {
  return timed("remove", [&] { return inner_.remove(uid); });
}

}  // namespace hvo::agent
