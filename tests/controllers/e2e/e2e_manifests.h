// Manifests and readings shared by the operator's end-to-end tests: small builders for the
// Tenant, Quota and VirtualMachine YAML the tests apply, and readers for the fields they check.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hvo::testing {

// A Tenant owning one namespace of the same name. Empty lists mean "no restriction".
std::string tenant_yaml(const std::string& name,
                        const std::vector<std::string>& allowed_switches = {});

// A Quota of `tenant`; a negative amount is left out (not limited). Memory as a quantity.
struct QuotaHard {
  int64_t vcpus = -1;
  std::string memory;  // empty: not limited
  int64_t vms = -1;
};
std::string quota_yaml(const std::string& name, const std::string& tenant, const QuotaHard& hard);

struct VmShape {
  std::string name;
  std::string ns;
  int cpu = 1;
  std::string memory = "512Mi";
  std::string run_strategy;  // empty: the default (Always)
  std::string image = "rocky-9";
  std::string switch_name = "external";
  std::string strategy;                // placement.strategy: Spread, BinPack; empty: default
  std::string pinned_host;             // placement.host
  std::string anti_affinity;           // placement.antiAffinityGroup
  std::string anti_affinity_topology;  // placement.antiAffinityTopology: Host, Zone; empty: default
};
// A VM of the defaults above.
VmShape vm_shape(const std::string& name, const std::string& ns);
std::string vm_yaml(const VmShape& vm);

// Several documents joined with "---".
std::string join_documents(const std::vector<std::string>& documents);

// A Kubernetes quantity ("512Mi", "2Gi", "3") in bytes/units; -1 when absent or unreadable.
int64_t quantity_value(const nlohmann::json& value);

// status.<field> as a string ("" when absent).
std::string status_string(const nlohmann::json& object, const std::string& field);

// Now as RFC 3339 with seconds, UTC ("2026-11-22T05:00:00Z").
std::string rfc3339_now();

}  // namespace hvo::testing
