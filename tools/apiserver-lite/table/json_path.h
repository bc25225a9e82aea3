// The JSONPath subset printer columns use: ".status.phase", ".spec.disks[0].size",
// ".spec.networks[*].name", ".status.conditions[?(@.type==\"Ready\")].status",
// ".metadata.labels['a.b/c']".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hvo::apiserver {

// Every value the path selects, in document order. nullopt when the expression is malformed.
std::optional<std::vector<nlohmann::json>> json_path_find(const nlohmann::json& root,
                                                          const std::string& expression);

}  // namespace hvo::apiserver
