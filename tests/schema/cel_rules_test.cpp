#include <vector>

#include <gtest/gtest.h>

#include "api/schema/structural_schema.h"

namespace hvo::schema {
namespace {

using nlohmann::json;

TEST(CelRules, ListsEveryRuleWithItsDataPath) {
  const json schema = json::parse(R"J({"type":"object","properties":{"spec":{"type":"object",
    "x-kubernetes-validations":[{"rule":"has(self.a)","message":"a is required"}],
    "properties":{
      "generation":{"type":"integer","x-kubernetes-validations":[{"rule":"self == oldSelf",
                    "message":"immutable"}]},
      "disks":{"type":"array","items":{"type":"object",
               "x-kubernetes-validations":[{"rule":"self.size > 0"}]}},
      "labels":{"type":"object","additionalProperties":{"type":"string",
               "x-kubernetes-validations":[{"rule":"self != ''","message":"empty"}]}}}}}})J");
  const std::vector<CelRule> rules = cel_rules(schema);
  ASSERT_EQ(rules.size(), 4u);
  EXPECT_EQ(rules[0].path, "spec");
  EXPECT_EQ(rules[0].rule, "has(self.a)");
  EXPECT_EQ(rules[0].message, "a is required");
  EXPECT_EQ(rules[1].path, "spec.disks[*]");
  EXPECT_EQ(rules[1].rule, "self.size > 0");
  EXPECT_EQ(rules[1].message, "");
  EXPECT_EQ(rules[2].path, "spec.generation");
  EXPECT_EQ(rules[2].message, "immutable");
  EXPECT_EQ(rules[3].path, "spec.labels.*");
}

TEST(CelRules, NoneInAPlainSchema) {
  EXPECT_TRUE(cel_rules(json::parse(R"({"type":"object"})")).empty());
}

}  // namespace
}  // namespace hvo::schema
