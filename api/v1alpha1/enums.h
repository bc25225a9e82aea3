// The enumerations of the v1alpha1 API, their JSON spellings (exactly the CRD enums) and
// conversions. parse_* returns std::nullopt for a spelling the API does not define.
#pragma once

#include <optional>
#include <string_view>

#include "api/k8s/json_codec.h"

namespace hvo::api {

enum class RunStrategy { kAlways, kHalted, kManual, kRerunOnFailure };
enum class SecureBootTemplate {
  kMicrosoftWindows,
  kMicrosoftUEFICertificateAuthority,
  kOpenSourceShieldedVM
};
enum class DiskSource { kImage, kBlank };
enum class PlacementStrategy { kBinPack, kSpread };
enum class AntiAffinityTopology { kHost, kZone };
enum class ShutdownMode { kGraceful, kTurnOff };
enum class UpdateStrategyType { kManual, kAutomatic };
enum class DeletionPolicy { kDelete, kOrphan };
enum class VirtualMachinePhase {
  kPending,
  kScheduling,
  kProvisioning,
  kStarting,
  kRunning,
  kStopping,
  kStopped,
  kMigrating,
  kDeleting,
  kFailed,
  kUnknown
};
enum class SwitchType { kExternal, kInternal, kPrivate };

const char* to_string(RunStrategy value);
const char* to_string(SecureBootTemplate value);
const char* to_string(DiskSource value);
const char* to_string(PlacementStrategy value);
const char* to_string(AntiAffinityTopology value);
const char* to_string(ShutdownMode value);
const char* to_string(UpdateStrategyType value);
const char* to_string(DeletionPolicy value);
const char* to_string(VirtualMachinePhase value);
const char* to_string(SwitchType value);

std::optional<RunStrategy> parse_run_strategy(std::string_view text);
std::optional<SecureBootTemplate> parse_secure_boot_template(std::string_view text);
std::optional<DiskSource> parse_disk_source(std::string_view text);
std::optional<PlacementStrategy> parse_placement_strategy(std::string_view text);
std::optional<AntiAffinityTopology> parse_anti_affinity_topology(std::string_view text);
std::optional<ShutdownMode> parse_shutdown_mode(std::string_view text);
std::optional<VirtualMachinePhase> parse_virtual_machine_phase(std::string_view text);
std::optional<SwitchType> parse_switch_type(std::string_view text);

// JSON: a string; an unknown spelling reads
// `spec.runStrategy: unsupported value "Sometimes": supported values: "Always", ...`.
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            RunStrategy& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            SecureBootTemplate& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            DiskSource& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            PlacementStrategy& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            AntiAffinityTopology& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            ShutdownMode& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            UpdateStrategyType& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            DeletionPolicy& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            VirtualMachinePhase& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            SwitchType& out);

void encode(k8s::Json& target, RunStrategy value);
void encode(k8s::Json& target, SecureBootTemplate value);
void encode(k8s::Json& target, DiskSource value);
void encode(k8s::Json& target, PlacementStrategy value);
void encode(k8s::Json& target, AntiAffinityTopology value);
void encode(k8s::Json& target, ShutdownMode value);
void encode(k8s::Json& target, UpdateStrategyType value);
void encode(k8s::Json& target, DeletionPolicy value);
void encode(k8s::Json& target, VirtualMachinePhase value);
void encode(k8s::Json& target, SwitchType value);

}  // namespace hvo::api
