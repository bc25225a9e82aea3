#include "tools/apiserver-lite/authz/aggregated_rules.h"

#include <algorithm>
#include <vector>

#include "api/k8s/label_selector.h"
#include "tools/apiserver-lite/authz/policy_rule.h"

namespace hvo::apiserver::authz {

using nlohmann::json;

namespace {

const json& member(const json& object, const char* name) {
  static const json kNull;
  if (!object.is_object())
    return kNull;
  auto found = object.find(name);
  return found == object.end() ? kNull : *found;
}

}  // namespace

std::optional<json> aggregated_rules(const json& role, const std::map<std::string, json>& all) {
  const json& aggregation = member(role, "aggregationRule");
  if (!aggregation.is_object())
    return std::nullopt;
  const std::string self = member(member(role, "metadata"), "name").is_string()
                               ? role["metadata"]["name"].get<std::string>()
                               : "";
  std::vector<PolicyRule> rules;
  const json& selectors = member(aggregation, "clusterRoleSelectors");
  if (selectors.is_array()) {
    for (const auto& item : selectors) {
      k8s::FieldErrors errors;
      k8s::LabelSelector selector;
      k8s::decode(item, "aggregationRule.clusterRoleSelectors", errors, selector);
      if (errors.empty())
        errors = k8s::validate(selector, "aggregationRule.clusterRoleSelectors");
      if (!errors.empty())
        return std::nullopt;
      for (const auto& [name, other] : all) {  // the map's order is upstream's sort by name
        if (name == self || !k8s::matches(selector, labels_of(other)))
          continue;
        for (auto& rule : parse_rules(member(other, "rules"))) {
          if (std::find(rules.begin(), rules.end(), rule) == rules.end())
            rules.push_back(std::move(rule));
        }
      }
    }
  }
  json out = json::array();
  for (const auto& rule : rules)
    out.push_back(to_json(rule));
  return out;
}

bool same_rules(const json& a, const json& b) {
  return parse_rules(a) == parse_rules(b);
}

}  // namespace hvo::apiserver::authz
