#include "api/v1alpha1/enums.h"

#include <string>

namespace hvo::api {
namespace {

template <typename E>
struct Spelling {
  E value;
  std::string_view text;
};

template <typename E, std::size_t N>
const char* text_of(const Spelling<E> (&table)[N], E value) {
  for (const auto& entry : table) {
    if (entry.value == value)
      return entry.text.data();
  }
  return "";
}

template <typename E, std::size_t N>
std::optional<E> value_of(const Spelling<E> (&table)[N], std::string_view text) {
  for (const auto& entry : table) {
    if (entry.text == text)
      return entry.value;
  }
  return std::nullopt;
}

template <typename E, std::size_t N>
void decode_with(const Spelling<E> (&table)[N], const k8s::Json& value, const std::string& path,
                 k8s::FieldErrors& errors, E& out) {
  std::string supported;
  for (const auto& entry : table) {
    if (!supported.empty())
      supported += ", ";
    supported += "\"" + std::string(entry.text) + "\"";
  }
  k8s::decode_enum(
      value, path, errors, out, [&](const std::string& text) { return value_of(table, text); },
      supported.c_str());
}

// string_view literals below are NUL-terminated, so text_of() may hand out .data().
constexpr Spelling<RunStrategy> kRunStrategies[] = {
    {RunStrategy::kAlways, "Always"},
    {RunStrategy::kHalted, "Halted"},
    {RunStrategy::kManual, "Manual"},
    {RunStrategy::kRerunOnFailure, "RerunOnFailure"},
};
constexpr Spelling<SecureBootTemplate> kSecureBootTemplates[] = {
    {SecureBootTemplate::kMicrosoftWindows, "MicrosoftWindows"},
    {SecureBootTemplate::kMicrosoftUEFICertificateAuthority, "MicrosoftUEFICertificateAuthority"},
    {SecureBootTemplate::kOpenSourceShieldedVM, "OpenSourceShieldedVM"},
};
constexpr Spelling<DiskSource> kDiskSources[] = {
    {DiskSource::kImage, "image"},
    {DiskSource::kBlank, "blank"},
};
constexpr Spelling<PlacementStrategy> kPlacementStrategies[] = {
    {PlacementStrategy::kBinPack, "BinPack"},
    {PlacementStrategy::kSpread, "Spread"},
};
constexpr Spelling<AntiAffinityTopology> kAntiAffinityTopologies[] = {
    {AntiAffinityTopology::kHost, "Host"},
    {AntiAffinityTopology::kZone, "Zone"},
};
constexpr Spelling<ShutdownMode> kShutdownModes[] = {
    {ShutdownMode::kGraceful, "Graceful"},
    {ShutdownMode::kTurnOff, "TurnOff"},
};
constexpr Spelling<UpdateStrategyType> kUpdateStrategyTypes[] = {
    {UpdateStrategyType::kManual, "Manual"},
    {UpdateStrategyType::kAutomatic, "Automatic"},
};
constexpr Spelling<DeletionPolicy> kDeletionPolicies[] = {
    {DeletionPolicy::kDelete, "Delete"},
    {DeletionPolicy::kOrphan, "Orphan"},
};
constexpr Spelling<VirtualMachinePhase> kPhases[] = {
    {VirtualMachinePhase::kPending, "Pending"},
    {VirtualMachinePhase::kScheduling, "Scheduling"},
    {VirtualMachinePhase::kProvisioning, "Provisioning"},
    {VirtualMachinePhase::kStarting, "Starting"},
    {VirtualMachinePhase::kRunning, "Running"},
    {VirtualMachinePhase::kStopping, "Stopping"},
    {VirtualMachinePhase::kStopped, "Stopped"},
    {VirtualMachinePhase::kMigrating, "Migrating"},
    {VirtualMachinePhase::kDeleting, "Deleting"},
    {VirtualMachinePhase::kFailed, "Failed"},
    {VirtualMachinePhase::kUnknown, "Unknown"},
};
constexpr Spelling<SwitchType> kSwitchTypes[] = {
    {SwitchType::kExternal, "External"},
    {SwitchType::kInternal, "Internal"},
    {SwitchType::kPrivate, "Private"},
};

}  // namespace

const char* to_string(RunStrategy value) {
  return text_of(kRunStrategies, value);
}
const char* to_string(SecureBootTemplate value) {
  return text_of(kSecureBootTemplates, value);
}
const char* to_string(DiskSource value) {
  return text_of(kDiskSources, value);
}
const char* to_string(PlacementStrategy value) {
  return text_of(kPlacementStrategies, value);
}
const char* to_string(AntiAffinityTopology value) {
  return text_of(kAntiAffinityTopologies, value);
}
const char* to_string(ShutdownMode value) {
  return text_of(kShutdownModes, value);
}
const char* to_string(UpdateStrategyType value) {
  return text_of(kUpdateStrategyTypes, value);
}
const char* to_string(DeletionPolicy value) {
  return text_of(kDeletionPolicies, value);
}
const char* to_string(VirtualMachinePhase value) {
  return text_of(kPhases, value);
}
const char* to_string(SwitchType value) {
  return text_of(kSwitchTypes, value);
}

std::optional<RunStrategy> parse_run_strategy(std::string_view text) {
  return value_of(kRunStrategies, text);
}
std::optional<SecureBootTemplate> parse_secure_boot_template(std::string_view text) {
  return value_of(kSecureBootTemplates, text);
}
std::optional<DiskSource> parse_disk_source(std::string_view text) {
  return value_of(kDiskSources, text);
}
std::optional<PlacementStrategy> parse_placement_strategy(std::string_view text) {
  return value_of(kPlacementStrategies, text);
}
std::optional<AntiAffinityTopology> parse_anti_affinity_topology(std::string_view text) {
  return value_of(kAntiAffinityTopologies, text);
}
std::optional<ShutdownMode> parse_shutdown_mode(std::string_view text) {
  return value_of(kShutdownModes, text);
}
std::optional<VirtualMachinePhase> parse_virtual_machine_phase(std::string_view text) {
  return value_of(kPhases, text);
}
std::optional<SwitchType> parse_switch_type(std::string_view text) {
  return value_of(kSwitchTypes, text);
}

void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            RunStrategy& out) {
  decode_with(kRunStrategies, value, path, errors, out);
}
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            SecureBootTemplate& out) {
  decode_with(kSecureBootTemplates, value, path, errors, out);
}
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            DiskSource& out) {
  decode_with(kDiskSources, value, path, errors, out);
}
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            PlacementStrategy& out) {
  decode_with(kPlacementStrategies, value, path, errors, out);
}
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            AntiAffinityTopology& out) {
  decode_with(kAntiAffinityTopologies, value, path, errors, out);
}
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            ShutdownMode& out) {
  decode_with(kShutdownModes, value, path, errors, out);
}
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            UpdateStrategyType& out) {
  decode_with(kUpdateStrategyTypes, value, path, errors, out);
}
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            DeletionPolicy& out) {
  decode_with(kDeletionPolicies, value, path, errors, out);
}
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            VirtualMachinePhase& out) {
  decode_with(kPhases, value, path, errors, out);
}
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            SwitchType& out) {
  decode_with(kSwitchTypes, value, path, errors, out);
}

void encode(k8s::Json& target, RunStrategy value) {
  target = to_string(value);
}
void encode(k8s::Json& target, SecureBootTemplate value) {
  target = to_string(value);
}
void encode(k8s::Json& target, DiskSource value) {
  target = to_string(value);
}
void encode(k8s::Json& target, PlacementStrategy value) {
  target = to_string(value);
}
void encode(k8s::Json& target, AntiAffinityTopology value) {
  target = to_string(value);
}
void encode(k8s::Json& target, ShutdownMode value) {
  target = to_string(value);
}
void encode(k8s::Json& target, UpdateStrategyType value) {
  target = to_string(value);
}
void encode(k8s::Json& target, DeletionPolicy value) {
  target = to_string(value);
}
void encode(k8s::Json& target, VirtualMachinePhase value) {
  target = to_string(value);
}
void encode(k8s::Json& target, SwitchType value) {
  target = to_string(value);
}

}  // namespace hvo::api
