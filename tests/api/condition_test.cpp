#include "api/k8s/condition.h"

#include <gtest/gtest.h>

namespace hvo::k8s {
namespace {

const Time kEarlier = *Time::parse("2026-11-22T01:00:00Z");
const Time kNow = *Time::parse("2026-11-22T02:00:00Z");

Condition ready(ConditionStatus status, std::string reason, std::int64_t generation) {
  return Condition{"Ready", status, generation, Time(), std::move(reason), "message"};
}

TEST(SetCondition, NewConditionGetsNowAsTransitionTime) {
  std::vector<Condition> conditions;
  EXPECT_TRUE(set_condition(conditions, ready(ConditionStatus::kFalse, "Provisioning", 1), kNow));
  ASSERT_EQ(conditions.size(), 1u);
  EXPECT_EQ(conditions[0].last_transition_time, kNow);
  EXPECT_EQ(conditions[0].observed_generation, 1);
}

TEST(SetCondition, SameStatusKeepsTransitionTimeButUpdatesTheRest) {
  std::vector<Condition> conditions;
  set_condition(conditions, ready(ConditionStatus::kFalse, "Provisioning", 1), kEarlier);
  EXPECT_TRUE(set_condition(conditions, ready(ConditionStatus::kFalse, "Starting", 2), kNow));
  EXPECT_EQ(conditions[0].last_transition_time, kEarlier);
  EXPECT_EQ(conditions[0].reason, "Starting");
  EXPECT_EQ(conditions[0].observed_generation, 2);
}

TEST(SetCondition, StatusFlipMovesTransitionTime) {
  std::vector<Condition> conditions;
  set_condition(conditions, ready(ConditionStatus::kFalse, "Provisioning", 1), kEarlier);
  EXPECT_TRUE(set_condition(conditions, ready(ConditionStatus::kTrue, "Running", 1), kNow));
  EXPECT_EQ(conditions[0].last_transition_time, kNow);
  EXPECT_EQ(conditions[0].status, ConditionStatus::kTrue);
}

TEST(SetCondition, IdenticalConditionReportsNoChange) {
  std::vector<Condition> conditions;
  set_condition(conditions, ready(ConditionStatus::kTrue, "Running", 3), kEarlier);
  EXPECT_FALSE(set_condition(conditions, ready(ConditionStatus::kTrue, "Running", 3), kNow));
  EXPECT_EQ(conditions[0].last_transition_time, kEarlier);
}

TEST(SetCondition, OtherTypesAreLeftAlone) {
  std::vector<Condition> conditions;
  set_condition(conditions, ready(ConditionStatus::kTrue, "Running", 1), kEarlier);
  set_condition(conditions, {"Scheduled", ConditionStatus::kTrue, 1, Time(), "Placed", ""}, kNow);
  ASSERT_EQ(conditions.size(), 2u);
  EXPECT_TRUE(is_true(conditions, "Ready"));
  EXPECT_TRUE(is_true(conditions, "Scheduled"));
  EXPECT_FALSE(is_false(conditions, "Ready"));
  EXPECT_FALSE(is_true(conditions, "Missing"));
  EXPECT_EQ(find_condition(conditions, "Scheduled")->reason, "Placed");
  EXPECT_EQ(find_condition(conditions, "Missing"), nullptr);
  EXPECT_TRUE(remove_condition(conditions, "Ready"));
  EXPECT_FALSE(remove_condition(conditions, "Ready"));
  EXPECT_EQ(conditions.size(), 1u);
}

struct ReasonCase {
  const char* reason;
  bool valid;
};

// What gtest prints for a row, and so what ctest names it by: a name, not the bytes.
void PrintTo(const ReasonCase& c, std::ostream* os) {
  *os << ::testing::PrintToString(std::string(c.reason));
}

class ConditionReason : public testing::TestWithParam<ReasonCase> {};

TEST_P(ConditionReason, FollowsTheKubernetesPattern) {
  EXPECT_EQ(is_valid_reason(GetParam().reason), GetParam().valid);
}

INSTANTIATE_TEST_SUITE_P(Table, ConditionReason,
                         testing::Values(ReasonCase{"QuotaExceeded", true}, ReasonCase{"A", true},
                                         ReasonCase{"Host_Down", true},
                                         ReasonCase{"Reason:Detail,More", true},
                                         ReasonCase{"", false}, ReasonCase{"1Reason", false},
                                         ReasonCase{"Quota Exceeded", false},
                                         ReasonCase{"Ends:", false}, ReasonCase{"dash-ed", false},
                                         ReasonCase{"_Leading", false}));

TEST(ConditionValidate, ReportsEveryProblemWithItsPath) {
  const Condition bad{"bad type!", ConditionStatus::kTrue, -1, Time(), "not camel", ""};
  const FieldErrors errors = validate(bad, "status.conditions[0]");
  ASSERT_EQ(errors.size(), 3u) << join(errors);
  EXPECT_EQ(errors[0].field, "status.conditions[0].type");
  EXPECT_EQ(errors[1].to_string(),
            "status.conditions[0].observedGeneration: must be greater than or equal to 0");
  EXPECT_EQ(errors[2].field, "status.conditions[0].reason");
  EXPECT_TRUE(validate(ready(ConditionStatus::kTrue, "Running", 1), "c").empty());
}

TEST(ConditionJson, RoundTripsAndKeepsUnknownFieldsPerType) {
  const Json input = Json::parse(R"([
    {"type":"Ready","status":"True","observedGeneration":2,
     "lastTransitionTime":"2026-11-22T01:00:00Z","reason":"Running","message":"up","extra":1},
    {"type":"Scheduled","status":"False","lastTransitionTime":"2026-11-22T01:00:00Z",
     "reason":"NoHost","message":""}])");
  FieldErrors errors;
  std::vector<Condition> conditions;
  decode(input, "status.conditions", errors, conditions);
  ASSERT_TRUE(errors.empty()) << join(errors);
  Json output = input;
  encode(output, conditions);
  EXPECT_EQ(output, input);

  // Dropping the first condition must not move its unknown field onto the second.
  conditions.erase(conditions.begin());
  encode(output, conditions);
  ASSERT_EQ(output.size(), 1u);
  EXPECT_FALSE(output[0].contains("extra"));
  EXPECT_EQ(output[0]["type"], "Scheduled");
}

TEST(ConditionJson, DecodeErrorsNameTheField) {
  FieldErrors errors;
  Condition condition;
  decode(Json::parse(R"({"type":"Ready","status":"Maybe","lastTransitionTime":"yesterday"})"),
         "status.conditions[0]", errors, condition);
  ASSERT_EQ(errors.size(), 2u) << join(errors);
  EXPECT_EQ(errors[0].to_string(),
            "status.conditions[0].status: unsupported value \"Maybe\": supported values: "
            "\"True\", \"False\", \"Unknown\"");
  EXPECT_EQ(errors[1].field, "status.conditions[0].lastTransitionTime");
}

}  // namespace
}  // namespace hvo::k8s
