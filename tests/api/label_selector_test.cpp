#include "api/k8s/label_selector.h"

#include <gtest/gtest.h>

namespace hvo::k8s {
namespace {

LabelSelector decode_selector(const char* text, FieldErrors& errors) {
  LabelSelector selector;
  decode(Json::parse(text), "spec.hostSelector", errors, selector);
  return selector;
}

TEST(LabelSelector, JsonRoundTripKeepsEveryField) {
  const Json input = Json::parse(R"({
    "matchLabels": {"zone": "a", "tier": "gold"},
    "matchExpressions": [
      {"key": "gpu", "operator": "In", "values": ["a100", "h100"]},
      {"key": "maintenance", "operator": "DoesNotExist"}
    ]})");
  FieldErrors errors;
  LabelSelector selector;
  decode(input, "spec.hostSelector", errors, selector);
  ASSERT_TRUE(errors.empty()) << join(errors);
  Json output;
  encode(output, selector);
  EXPECT_EQ(output, input);
  EXPECT_EQ(*to_string(selector), "gpu in (a100,h100),!maintenance,tier=gold,zone=a");
}

TEST(LabelSelector, EmptySelectorMatchesEverythingAndNullMatchesNothing) {
  EXPECT_TRUE(matches(LabelSelector{}, {}));
  EXPECT_TRUE(matches(LabelSelector{}, {{"a", "b"}}));
  const auto null_selector = to_selector(std::optional<LabelSelector>());
  ASSERT_TRUE(null_selector.ok());
  EXPECT_FALSE(null_selector->matches({{"a", "b"}}));
  EXPECT_EQ(*to_string(LabelSelector{}), "");
}

struct MatchCase {
  const char* name;
  const char* selector_json;
  StringMap labels;
  bool matches;
};

// What gtest prints for a row, and so what ctest names it by: a name, not the bytes.
void PrintTo(const MatchCase& c, std::ostream* os) {
  *os << c.name;
}

class LabelSelectorMatch : public testing::TestWithParam<MatchCase> {};

TEST_P(LabelSelectorMatch, Matches) {
  FieldErrors errors;
  const LabelSelector selector = decode_selector(GetParam().selector_json, errors);
  ASSERT_TRUE(errors.empty()) << join(errors);
  EXPECT_EQ(matches(selector, GetParam().labels), GetParam().matches);
}

INSTANTIATE_TEST_SUITE_P(
    Table, LabelSelectorMatch,
    testing::Values(
        MatchCase{"MatchLabelsAllMustMatch",
                  R"({"matchLabels":{"a":"1","b":"2"}})",
                  {{"a", "1"}, {"b", "2"}, {"c", "3"}},
                  true},
        MatchCase{"MatchLabelsOneDiffers",
                  R"({"matchLabels":{"a":"1","b":"2"}})",
                  {{"a", "1"}, {"b", "3"}},
                  false},
        MatchCase{"InMatches",
                  R"({"matchExpressions":[{"key":"a","operator":"In","values":["1","2"]}]})",
                  {{"a", "2"}},
                  true},
        MatchCase{"NotInMissingLabel",
                  R"({"matchExpressions":[{"key":"a","operator":"NotIn","values":["1"]}]})",
                  {},
                  true},
        MatchCase{"ExistsMissing",
                  R"({"matchExpressions":[{"key":"a","operator":"Exists"}]})",
                  {},
                  false},
        MatchCase{"DoesNotExistMissing",
                  R"({"matchExpressions":[{"key":"a","operator":"DoesNotExist"}]})",
                  {},
                  true},
        MatchCase{
            "LabelsAndExpressionsTogether",
            R"({"matchLabels":{"a":"1"},"matchExpressions":[{"key":"b","operator":"Exists"}]})",
            {{"a", "1"}},
            false}),
    [](const testing::TestParamInfo<MatchCase>& info) { return info.param.name; });

struct ValidateCase {
  const char* name;
  const char* selector_json;
  const char* error;  // the single expected error
};

void PrintTo(const ValidateCase& c, std::ostream* os) {
  *os << c.name;
}

class LabelSelectorValidate : public testing::TestWithParam<ValidateCase> {};

TEST_P(LabelSelectorValidate, ReportsTheFieldPath) {
  FieldErrors decode_errors;
  const LabelSelector selector = decode_selector(GetParam().selector_json, decode_errors);
  ASSERT_TRUE(decode_errors.empty()) << join(decode_errors);
  const FieldErrors errors = validate(selector, "spec.hostSelector");
  ASSERT_EQ(errors.size(), 1u) << join(errors);
  EXPECT_EQ(errors[0].to_string(), GetParam().error);
  EXPECT_FALSE(to_selector(selector).ok());
  EXPECT_FALSE(matches(selector, {})) << "an invalid selector matches nothing";
}

INSTANTIATE_TEST_SUITE_P(
    Table, LabelSelectorValidate,
    testing::Values(
        ValidateCase{"InWithoutValues", R"({"matchExpressions":[{"key":"a","operator":"In"}]})",
                     "spec.hostSelector.matchExpressions[0].values: must be specified when "
                     "operator is In or NotIn"},
        ValidateCase{"ExistsWithValues",
                     R"({"matchExpressions":[{"key":"a","operator":"Exists","values":["x"]}]})",
                     "spec.hostSelector.matchExpressions[0].values: may not be specified when "
                     "operator is Exists or DoesNotExist"},
        ValidateCase{"BadExpressionKey",
                     R"({"matchExpressions":[{"key":"a/b/c","operator":"Exists"}]})",
                     "spec.hostSelector.matchExpressions[0].key: invalid value \"a/b/c\": a "
                     "qualified name must consist of an optional DNS subdomain prefix and '/', "
                     "then a name (e.g. 'example.com/MyName')"},
        ValidateCase{"BadLabelValue", R"({"matchLabels":{"a":"x y"}})",
                     "spec.hostSelector.matchLabels.a: invalid value \"x y\": a valid label must "
                     "be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
                     "and must start and end with an alphanumeric character (e.g. 'MyValue', or "
                     "'my_value', or '12345')"},
        ValidateCase{
            "LongLabelKey",
            R"({"matchLabels":{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa":"x"}})",
            "spec.hostSelector.matchLabels: invalid value "
            "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\": name "
            "part must be no more than 63 characters"}),
    [](const testing::TestParamInfo<ValidateCase>& info) { return info.param.name; });

struct DecodeErrorCase {
  const char* name;
  const char* json;
  const char* error;
};

void PrintTo(const DecodeErrorCase& c, std::ostream* os) {
  *os << c.name;
}

class LabelSelectorDecodeError : public testing::TestWithParam<DecodeErrorCase> {};

TEST_P(LabelSelectorDecodeError, NamesTheField) {
  FieldErrors errors;
  decode_selector(GetParam().json, errors);
  ASSERT_EQ(errors.size(), 1u) << join(errors);
  EXPECT_EQ(errors[0].to_string(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Table, LabelSelectorDecodeError,
    testing::Values(
        DecodeErrorCase{"NotAnObject", R"("zone=a")",
                        "spec.hostSelector: expected object, got string"},
        DecodeErrorCase{"LabelValueNotString", R"({"matchLabels":{"a":1}})",
                        "spec.hostSelector.matchLabels.a: expected string, got integer"},
        DecodeErrorCase{"UnknownOperator",
                        R"({"matchExpressions":[{"key":"a","operator":"Sometimes"}]})",
                        "spec.hostSelector.matchExpressions[0].operator: unsupported value "
                        "\"Sometimes\": supported values: \"In\", \"NotIn\", \"Exists\", "
                        "\"DoesNotExist\""},
        DecodeErrorCase{"MissingOperator", R"({"matchExpressions":[{"key":"a"}]})",
                        "spec.hostSelector.matchExpressions[0].operator: required value"},
        DecodeErrorCase{"ValuesNotArray",
                        R"({"matchExpressions":[{"key":"a","operator":"In","values":"x"}]})",
                        "spec.hostSelector.matchExpressions[0].values: expected array, got "
                        "string"}),
    [](const testing::TestParamInfo<DecodeErrorCase>& info) { return info.param.name; });

}  // namespace
}  // namespace hvo::k8s
