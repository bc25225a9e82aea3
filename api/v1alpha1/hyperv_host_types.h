// HyperVHost (cluster-scoped, shortName hvh): one Hyper-V host running the agent. Field names
// and defaults are the CRD's (crds/hyperv.operator.io_hypervhosts.yaml).
//
// Entry points: HyperVHost::from_json(json), HyperVHost::parse(text) → Result<HyperVHost>;
// to_json() → the raw JSON with the typed fields overlaid.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/k8s/condition.h"
#include "api/k8s/json_codec.h"
#include "api/k8s/object_meta.h"
#include "api/k8s/quantity.h"
#include "api/k8s/time.h"
#include "api/v1alpha1/enums.h"
#include "api/v1alpha1/resources.h"
#include "common/status.h"

namespace hvo::api {

// The Secret with the agent's CA, client certificate/key and bearer token.
struct SecretRef {
  std::string name;
  std::string namespace_;  // JSON "namespace"
};

// Held back from scheduling for the host's own use.
struct HostReserved {
  std::optional<std::int64_t> cpu;
  std::optional<k8s::Quantity> memory;
};

struct Overcommit {
  double cpu_ratio = 4;     // vCPUs per logical processor, 1..16
  double memory_ratio = 1;  // 1..2
};

struct HyperVHostSpec {
  std::string address;  // https URL of the agent
  SecretRef credentials_secret_ref;
  std::string zone;
  bool unschedulable = false;
  bool maintenance = false;
  // Set by an admin or an external fencing tool: asserts the host is powered off or cut off from
  // its storage and network, so none of its VMs can be running. Only then may VMs that opted in
  // (spec.availability.restartOnHostFailure) be recreated elsewhere. A fenced host takes no VMs.
  bool fenced = false;
  std::optional<HostReserved> reserved;
  Overcommit overcommit;
};

// Preformatted "allocated/capacity" texts for the printer columns.
struct HostSummary {
  std::string cpu;
  std::string memory;
};

struct VirtualSwitch {
  std::string name;
  std::optional<SwitchType> type;
};

struct BaseImage {
  std::string name;
  std::optional<k8s::Quantity> size;
};

struct HyperVHostStatus {
  std::optional<k8s::Time> last_heartbeat_time;
  std::string agent_version;
  std::string os;
  std::optional<ResourceAmounts> capacity;
  std::optional<ResourceAmounts> allocatable;
  std::optional<ResourceAmounts> allocated;
  std::optional<HostSummary> summary;
  std::vector<std::string> capabilities;
  std::vector<VirtualSwitch> switches;
  std::vector<BaseImage> images;
  std::int64_t vm_count = 0;
  std::int64_t unmanaged_vm_count = 0;
  std::int64_t observed_generation = 0;
  std::vector<k8s::Condition> conditions;
};

struct HyperVHost {
  static constexpr const char* kKind = "HyperVHost";
  static constexpr const char* kPlural = "hypervhosts";

  k8s::ObjectMeta metadata;
  HyperVHostSpec spec;
  HyperVHostStatus status;
  k8s::Json raw;  // the object as read; to_json() writes the typed fields over it

  static Result<HyperVHost> from_json(const k8s::Json& json);
  static Result<HyperVHost> parse(std::string_view json_text);
  k8s::Json to_json() const;
};

void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            SecretRef& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            HostReserved& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            Overcommit& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            HyperVHostSpec& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            HostSummary& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            VirtualSwitch& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            BaseImage& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            HyperVHostStatus& out);

void encode(k8s::Json& target, const SecretRef& ref);
void encode(k8s::Json& target, const HostReserved& reserved);
void encode(k8s::Json& target, const Overcommit& overcommit);
void encode(k8s::Json& target, const HyperVHostSpec& spec);
void encode(k8s::Json& target, const HostSummary& summary);
void encode(k8s::Json& target, const VirtualSwitch& virtual_switch);
void encode(k8s::Json& target, const std::vector<VirtualSwitch>& switches);  // by name
void encode(k8s::Json& target, const BaseImage& image);
void encode(k8s::Json& target, const std::vector<BaseImage>& images);  // by name
void encode(k8s::Json& target, const HyperVHostStatus& status);

}  // namespace hvo::api
