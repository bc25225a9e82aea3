// VirtualMachineMigration (namespaced, shortName hvmm): one request to live-migrate a running
// VirtualMachine of the same namespace to another HyperVHost, modelled on KubeVirt's
// VirtualMachineInstanceMigration. The object is the record of one move: once it reached
// Succeeded or Failed it is never acted on again (create another to move the VM again).
// Field names are the CRD's (crds/hyperv.operator.io_virtualmachinemigrations.yaml).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/k8s/condition.h"
#include "api/k8s/json_codec.h"
#include "api/k8s/label_selector.h"
#include "api/k8s/object_meta.h"
#include "api/k8s/time.h"
#include "common/status.h"

namespace hvo::api {

enum class MigrationPhase { kPending, kScheduling, kRunning, kSucceeded, kFailed };
const char* to_string(MigrationPhase value);
std::optional<MigrationPhase> parse_migration_phase(std::string_view text);
// Succeeded and Failed: the migration is over and stays as it is.
bool is_final(MigrationPhase phase);

struct VirtualMachineMigrationSpec {
  std::string vm_name;                                // a VirtualMachine in the same namespace
  std::string target_host;                            // empty: the scheduler picks
  std::optional<k8s::LabelSelector> target_selector;  // limits the hosts the scheduler may pick
  bool include_storage = true;                        // shared-nothing: the disks move with the VM
};

struct VirtualMachineMigrationStatus {
  std::optional<MigrationPhase> phase;
  std::string source_host;
  std::string target_host;
  std::string vm_id;
  std::string operation_id;                      // the source agent's migrate operation
  std::optional<std::int32_t> progress_percent;  // as the source agent last reported it
  std::optional<k8s::Time> start_time;           // when the move was asked of the source agent
  std::optional<k8s::Time> end_time;             // when it reached Succeeded or Failed
  std::int64_t observed_generation = 0;
  std::vector<k8s::Condition> conditions;
};

struct VirtualMachineMigration {
  static constexpr const char* kKind = "VirtualMachineMigration";
  static constexpr const char* kPlural = "virtualmachinemigrations";

  k8s::ObjectMeta metadata;
  VirtualMachineMigrationSpec spec;
  VirtualMachineMigrationStatus status;
  k8s::Json raw;  // the object as read; to_json() writes the typed fields over it

  static Result<VirtualMachineMigration> from_json(const k8s::Json& json);
  static Result<VirtualMachineMigration> parse(std::string_view json_text);
  k8s::Json to_json() const;
};

// What a VirtualMachine's status says about a migration under way or just finished
// (status.migration).
struct VmMigrationRef {
  std::string name;  // the VirtualMachineMigration
  std::optional<MigrationPhase> phase;
  std::string target_host;
};

void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            MigrationPhase& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            VirtualMachineMigrationSpec& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            VirtualMachineMigrationStatus& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            VmMigrationRef& out);
void encode(k8s::Json& target, MigrationPhase value);
void encode(k8s::Json& target, const VirtualMachineMigrationSpec& spec);
void encode(k8s::Json& target, const VirtualMachineMigrationStatus& status);
void encode(k8s::Json& target, const VmMigrationRef& ref);

// Semantic rules beyond the CRD schema: vmName a DNS-1123 subdomain, targetHost one when set,
// targetSelector a valid selector.
k8s::FieldErrors validate(const VirtualMachineMigration& migration);

}  // namespace hvo::api
