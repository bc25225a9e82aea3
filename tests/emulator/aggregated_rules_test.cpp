// What the emulator's clusterrole-aggregation controller writes into an aggregating ClusterRole:
// upstream's union (per selector in order, selected roles by name, the role itself skipped,
// repeated rules once), nothing for a role without an aggregationRule or with an invalid
// selector; and the rules comparison that keeps it from rewriting what is already there. Also
// upstream's IsOnlyMutatingGCFields, which exempts garbage-collector writes from the escalation
// check.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "tools/apiserver-lite/authz/aggregated_rules.h"
#include "tools/apiserver-lite/authz/escalation.h"

namespace hvo::apiserver::authz {
namespace {

using nlohmann::json;

json cluster_role(const std::string& name, const json& labels, const json& rules) {
  return {{"metadata", {{"name", name}, {"labels", labels}}}, {"rules", rules}};
}

json rule(const std::string& verb, const std::string& resource) {
  return {{"verbs", {verb}}, {"apiGroups", {""}}, {"resources", {resource}}};
}

json aggregating(const std::string& name, const json& selectors) {
  return {{"metadata", {{"name", name}}},
          {"aggregationRule", {{"clusterRoleSelectors", selectors}}},
          {"rules", json::array()}};
}

std::map<std::string, json> roles_of(std::initializer_list<json> roles) {
  std::map<std::string, json> out;
  for (const auto& role : roles)
    out[role["metadata"]["name"].get<std::string>()] = role;
  return out;
}

TEST(AggregatedRules, UnionPerSelectorInNameOrderWithoutRepeats) {
  const json role = aggregating(
      "agg", json::array({{{"matchLabels", {{"x", "1"}}}}, {{"matchLabels", {{"y", "1"}}}}}));
  const auto all = roles_of({
      role,
      cluster_role("b", {{"x", "1"}}, json::array({rule("get", "pods"), rule("get", "secrets")})),
      cluster_role("a", {{"x", "1"}}, json::array({rule("list", "pods")})),
      cluster_role("c", {{"y", "1"}},
                   json::array({rule("get", "pods"), rule("watch", "pods")})),  // get pods: again
      cluster_role("z", {{"x", "2"}}, json::array({rule("delete", "pods")})),   // not selected
  });
  const auto rules = aggregated_rules(role, all);
  ASSERT_TRUE(rules);
  EXPECT_EQ(*rules, json::array({rule("list", "pods"), rule("get", "pods"), rule("get", "secrets"),
                                 rule("watch", "pods")}));
}

TEST(AggregatedRules, TheRoleItselfIsSkippedEvenWhenItsLabelsMatch) {
  json role = aggregating("agg", json::array({{{"matchLabels", {{"x", "1"}}}}}));
  role["metadata"]["labels"] = {{"x", "1"}};
  role["rules"] = json::array({rule("get", "nodes")});
  const auto rules = aggregated_rules(
      role, roles_of({role, cluster_role("a", {{"x", "1"}}, json::array({rule("get", "pods")}))}));
  ASSERT_TRUE(rules);
  EXPECT_EQ(*rules, json::array({rule("get", "pods")}));
}

TEST(AggregatedRules, NothingSelectedIsAnEmptyList) {
  const json role = aggregating("agg", json::array({{{"matchLabels", {{"x", "1"}}}}}));
  const auto rules = aggregated_rules(role, roles_of({role}));
  ASSERT_TRUE(rules);
  EXPECT_EQ(*rules, json::array());
}

TEST(AggregatedRules, NoAggregationRuleOrAnInvalidSelectorWritesNothing) {
  const json plain = cluster_role("plain", json::object(), json::array({rule("get", "pods")}));
  EXPECT_FALSE(aggregated_rules(plain, roles_of({plain})));
  const json invalid = aggregating(
      "agg",
      json::array({{{"matchExpressions", json::array({{{"key", "x"}, {"operator", "Bogus"}}})}}}));
  EXPECT_FALSE(aggregated_rules(invalid, roles_of({invalid})));
}

TEST(AggregatedRules, SameRulesIgnoresAbsentListsButNotOrder) {
  EXPECT_TRUE(same_rules(
      json::array({{{"verbs", {"get"}}, {"resources", {"pods"}}}}),
      json::array({{{"verbs", {"get"}}, {"apiGroups", json::array()}, {"resources", {"pods"}}}})));
  EXPECT_TRUE(same_rules(nullptr, json::array()));
  EXPECT_FALSE(same_rules(json::array({rule("get", "pods"), rule("list", "pods")}),
                          json::array({rule("list", "pods"), rule("get", "pods")})));
  EXPECT_FALSE(same_rules(json::array({rule("get", "pods")}), json::array()));
}

TEST(OnlyGcFieldsChange, OwnersAndFinalizersOnlyAreExempt) {
  const json old = {{"metadata", {{"name", "r"}, {"resourceVersion", "5"}}},
                    {"rules", json::array({rule("get", "pods")})}};
  json gc = old;
  gc["metadata"]["ownerReferences"] = json::array({{{"name", "owner"}}});
  gc["metadata"]["finalizers"] = {"f"};
  gc["metadata"]["resourceVersion"] = "6";
  EXPECT_TRUE(only_gc_fields_change(old, gc));
  json labelled = old;
  labelled["metadata"]["labels"] = {{"a", "b"}};
  EXPECT_FALSE(only_gc_fields_change(old, labelled));
  json more = old;
  more["rules"].push_back(rule("get", "nodes"));
  EXPECT_FALSE(only_gc_fields_change(old, more));
}

}  // namespace
}  // namespace hvo::apiserver::authz
