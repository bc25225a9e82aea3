// What the server knows about one served resource (one group/version/plural): names for
// discovery, scope, subresources, storage prefix in etcd, printer columns and, for custom
// resources, the OpenAPI v3 schema of the CRD version.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hvo::apiserver {

struct PrinterColumn {
  std::string name;
  std::string type = "string";  // string | integer | number | boolean | date
  std::string format;
  std::string description;
  std::string json_path;  // ".status.phase", ".status.conditions[?(@.type==\"Ready\")].status"
  int priority = 0;       // > 0: only with -o wide
  bool count = false;     // built-ins only: the cell is the number of entries at json_path
  // Built-ins only: computes the cell's value from the object (json_path unused), for columns
  // kube's printers derive from several fields; null renders as an empty cell.
  std::function<nlohmann::json(const nlohmann::json&)> value;
};

struct ResourceType {
  std::string group;  // "" for the core group
  std::string version;
  std::string kind;
  std::string list_kind;
  std::string plural;
  std::string singular;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  // Discovery's verbs; empty: the stored resource's full set (create ... watch).
  std::vector<std::string> verbs;
  bool namespaced = true;
  bool status_subresource = false;
  bool tracks_generation = false;  // metadata.generation is set and bumped on spec changes
  std::string storage_prefix;      // "/registry/namespaces", "/registry/hyperv.operator.io/vms"
  std::vector<PrinterColumn> printer_columns;      // after the Name column
  std::optional<nlohmann::json> schema;            // openAPIV3Schema (custom resources)
  bool custom = false;                             // served from a CustomResourceDefinition
  std::string crd_name;                            // "virtualmachines.hyperv.operator.io"
  std::vector<std::string> extra_field_selectors;  // beyond metadata.name / metadata.namespace
  std::optional<std::chrono::seconds> ttl;         // objects expire (Events)
  // For resources that are views of a stored shape of their own (events.k8s.io/v1 Event over
  // core/v1 Event): the stored form of an object of this view, and this view of a stored one.
  // Unset: stored as served.
  std::function<nlohmann::json(const nlohmann::json&)> to_storage;
  std::function<nlohmann::json(const nlohmann::json&)> from_storage;

  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  // "virtualmachines.hyperv.operator.io" or "namespaces": how error messages name the resource.
  std::string qualified_resource() const { return group.empty() ? plural : plural + "." + group; }
  // "VirtualMachine.hyperv.operator.io" or "Namespace": how Invalid errors name the kind.
  std::string qualified_kind() const { return group.empty() ? kind : kind + "." + group; }
};

}  // namespace hvo::apiserver
