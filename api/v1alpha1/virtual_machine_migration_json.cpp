// VirtualMachineMigration JSON (field names exactly as the CRD spells them) and its semantic
// validation.
#include "api/k8s/names.h"
#include "api/v1alpha1/object_codec.h"
#include "api/v1alpha1/validation_rules.h"
#include "api/v1alpha1/virtual_machine_migration_types.h"

namespace hvo::api {
namespace {

struct PhaseSpelling {
  MigrationPhase value;
  const char* text;
};

constexpr PhaseSpelling kPhases[] = {
    {MigrationPhase::kPending, "Pending"}, {MigrationPhase::kScheduling, "Scheduling"},
    {MigrationPhase::kRunning, "Running"}, {MigrationPhase::kSucceeded, "Succeeded"},
    {MigrationPhase::kFailed, "Failed"},
};

}  // namespace

using k8s::FieldErrors;
using k8s::Json;
using k8s::ObjectReader;
using k8s::put;
using k8s::put_defaulted;

const char* to_string(MigrationPhase value) {
  for (const auto& entry : kPhases) {
    if (entry.value == value)
      return entry.text;
  }
  return "";
}

std::optional<MigrationPhase> parse_migration_phase(std::string_view text) {
  for (const auto& entry : kPhases) {
    if (text == entry.text)
      return entry.value;
  }
  return std::nullopt;
}

bool is_final(MigrationPhase phase) {
  return phase == MigrationPhase::kSucceeded || phase == MigrationPhase::kFailed;
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, MigrationPhase& out) {
  k8s::decode_enum(value, path, errors, out, parse_migration_phase,
                   "\"Pending\", \"Scheduling\", \"Running\", \"Succeeded\", \"Failed\"");
}

void encode(Json& target, MigrationPhase value) {
  target = to_string(value);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors,
            VirtualMachineMigrationSpec& out) {
  const ObjectReader reader(value, path, errors);
  reader.required("vmName", out.vm_name);
  reader.optional("targetHost", out.target_host);
  reader.optional("targetSelector", out.target_selector);
  reader.optional("includeStorage", out.include_storage);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors,
            VirtualMachineMigrationStatus& out) {
  const ObjectReader reader(value, path, errors);
  reader.optional("phase", out.phase);
  reader.optional("sourceHost", out.source_host);
  reader.optional("targetHost", out.target_host);
  reader.optional("vmId", out.vm_id);
  reader.optional("operationId", out.operation_id);
  reader.optional("progressPercent", out.progress_percent);
  reader.optional("startTime", out.start_time);
  reader.optional("endTime", out.end_time);
  reader.optional("observedGeneration", out.observed_generation);
  reader.optional("conditions", out.conditions);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, VmMigrationRef& out) {
  const ObjectReader reader(value, path, errors);
  reader.optional("name", out.name);
  reader.optional("phase", out.phase);
  reader.optional("targetHost", out.target_host);
}

void encode(Json& target, const VirtualMachineMigrationSpec& spec) {
  k8s::ensure_object(target);
  put(target, "vmName", spec.vm_name);
  put(target, "targetHost", spec.target_host);
  put(target, "targetSelector", spec.target_selector);
  // The schema defaults it to true, so it is always written.
  target["includeStorage"] = spec.include_storage;
}

void encode(Json& target, const VirtualMachineMigrationStatus& status) {
  k8s::ensure_object(target);
  put(target, "phase", status.phase);
  put(target, "sourceHost", status.source_host);
  put(target, "targetHost", status.target_host);
  put(target, "vmId", status.vm_id);
  put(target, "operationId", status.operation_id);
  put(target, "progressPercent", status.progress_percent);
  put(target, "startTime", status.start_time);
  put(target, "endTime", status.end_time);
  put_defaulted(target, "observedGeneration", status.observed_generation, std::int64_t{0});
  put(target, "conditions", status.conditions);
}

void encode(Json& target, const VmMigrationRef& ref) {
  k8s::ensure_object(target);
  put(target, "name", ref.name);
  put(target, "phase", ref.phase);
  put(target, "targetHost", ref.target_host);
}

Result<VirtualMachineMigration> VirtualMachineMigration::from_json(const Json& json) {
  return decode_object<VirtualMachineMigration>(json);
}

Result<VirtualMachineMigration> VirtualMachineMigration::parse(std::string_view json_text) {
  return parse_object<VirtualMachineMigration>(json_text);
}

Json VirtualMachineMigration::to_json() const {
  return encode_object(*this);
}

FieldErrors validate(const VirtualMachineMigration& migration) {
  FieldErrors errors;
  const VirtualMachineMigrationSpec& spec = migration.spec;
  add_name_problems(k8s::check_dns1123_subdomain(spec.vm_name), spec.vm_name, "spec.vmName",
                    errors);
  if (!spec.target_host.empty()) {
    add_name_problems(k8s::check_dns1123_subdomain(spec.target_host), spec.target_host,
                      "spec.targetHost", errors);
  }
  if (spec.target_selector) {
    const FieldErrors selector_errors = k8s::validate(*spec.target_selector, "spec.targetSelector");
    errors.insert(errors.end(), selector_errors.begin(), selector_errors.end());
  }
  return errors;
}

}  // namespace hvo::api
