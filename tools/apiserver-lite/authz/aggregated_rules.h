// The rules kube-controller-manager's clusterrole-aggregation controller writes into a ClusterRole
// with an aggregationRule: for each clusterRoleSelector in order, the ClusterRoles it matches
// (by name, the role itself skipped), each rule of theirs appended unless an equal rule is there
// already. The selected roles' stored `rules` are used, so aggregating roles selected by others
// converge as the controller rewrites them in turn.
#pragma once

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace hvo::apiserver::authz {

// The `rules` to store in `role`, given every ClusterRole by name; nullopt when `role` has no
// aggregationRule, or a selector is invalid (upstream's controller then writes nothing).
std::optional<nlohmann::json> aggregated_rules(const nlohmann::json& role,
                                               const std::map<std::string, nlohmann::json>& all);

// Whether two `rules` lists are the same rules in the same order (absent lists equal empty ones,
// as upstream's semantic equality).
bool same_rules(const nlohmann::json& a, const nlohmann::json& b);

}  // namespace hvo::apiserver::authz
