#include "hostagent/server/vm_service.h"

#include <spdlog/spdlog.h>

namespace hvo::agent {

AgentResult<EnsureResult> VmService::ensure(const VmSpec& spec) {
  auto seed = seeds_.write(spec);
  if (!seed.ok()) {
    return make_error(AgentErrorCode::kDriverError, "cannot write the cloud-init seed",
                      seed.error().message());
  }
  auto result = driver_.ensure(spec, seed.value());
  if (!result.ok()) {
    spdlog::warn("vm_ensure_failed vm={} code={} message=\"{}\"", spec.uid,
                 to_string(result.error().code), result.error().message);
    return result;
  }
  // Older seeds are no longer attached once the driver switched the DVD to this one.
  seeds_.remove_except(spec.uid, seed.value());
  spdlog::info("vm_ensured vm={} name={} created={} changed={} restart_required={}", spec.uid,
               spec.host_vm_name(), result->created, result->changed_fields.size(),
               result->vm.restart_required_fields.size());
  return result;
}

AgentResult<VmStatus> VmService::power(const std::string& uid, const PowerRequest& request) {
  auto result = driver_.power(uid, request);
  if (result.ok()) {
    spdlog::info("vm_power vm={} action={} state={}", uid, to_string(request.action),
                 to_string(result->state));
  }
  return result;
}

AgentStatus VmService::release(const std::string& uid) {
  auto status = driver_.release(uid);
  if (status.ok())
    spdlog::info("vm_released vm={}", uid);
  return status;
}

AgentResult<MigrateResult> VmService::migrate(const std::string& uid, const MigrateRequest& request,
                                              const ProgressFn& progress) {
  spdlog::info("vm_migrate_started vm={} destination={} include_storage={}", uid,
               request.destination_host, request.include_storage);
  auto result = driver_.migrate(uid, request, progress);
  if (!result.ok()) {
    spdlog::warn("vm_migrate_failed vm={} destination={} code={} message=\"{}\"", uid,
                 request.destination_host, to_string(result.error().code), result.error().message);
    return result;
  }
  seeds_.remove_except(uid, "");
  spdlog::info("vm_migrated vm={} destination={} vm_id={}", uid, result->destination_host,
               result->vm_id);
  return result;
}

AgentStatus VmService::remove(const std::string& uid) {
  auto status = driver_.remove(uid);
  if (!status.ok())
    return status;
  seeds_.remove_except(uid, "");
  spdlog::info("vm_removed vm={}", uid);
  return status;
}

}  // namespace hvo::agent
