// Walking a CRD's OpenAPI schema by data path, for the CRD tests: "spec.cpu.count",
// "spec.disks[].size" (a list's items), and kubectl JSONPaths of printer columns.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hvo::testing {

// The schema node at a dotted path where "name[]" steps into the items of list `name`, or
// nullptr when the schema does not declare it.
const nlohmann::json* schema_at(const nlohmann::json& root, const std::string& path);

// A printer column JSONPath as a schema path: ".status.conditions[?(@.type==\"Ready\")].status"
// -> "status.conditions[].status", ".status.ipAddresses[0]" -> "status.ipAddresses[]".
std::string jsonpath_to_schema_path(const std::string& jsonpath);

// Calls `visit(path, node)` for every property at every depth (through properties, items and
// additionalProperties), with paths like "spec.disks[].name" and "spec.labels.*".
void for_each_property(
    const nlohmann::json& root,
    const std::function<void(const std::string& path, const nlohmann::json& node)>& visit);

// Calls `visit(path, node)` for every schema node that carries a default.
void for_each_default(
    const nlohmann::json& root,
    const std::function<void(const std::string& path, const nlohmann::json& node)>& visit);

}  // namespace hvo::testing
