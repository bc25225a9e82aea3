#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "api/schema/structural_schema.h"

namespace hvo::schema {
namespace {

using nlohmann::json;

struct ExpectedError {
  std::string reason;
  std::string field;
  std::string message;
};

struct ValidateCase {
  std::string name;
  std::string schema;  // JSON
  std::string value;   // JSON
  std::vector<ExpectedError> errors;
};

// What gtest prints for a row, and so what ctest names it by: a name, not the bytes.
void PrintTo(const ValidateCase& c, std::ostream* os) {
  *os << c.name;
}

class Validate : public ::testing::TestWithParam<ValidateCase> {};

TEST_P(Validate, ReportsExactlyTheExpectedCauses) {
  const ValidateCase& c = GetParam();
  const std::vector<FieldError> errors = validate(json::parse(c.schema), json::parse(c.value));
  ASSERT_EQ(errors.size(), c.errors.size()) << [&] {
    std::string all;
    for (const auto& e : errors)
      all += e.reason + " " + e.field + " " + e.message + "\n";
    return all;
  }();
  for (size_t i = 0; i < errors.size(); ++i) {
    EXPECT_EQ(errors[i].reason, c.errors[i].reason) << i;
    EXPECT_EQ(errors[i].field, c.errors[i].field) << i;
    EXPECT_EQ(errors[i].message, c.errors[i].message) << i;
  }
}

// A schema with one property "x" at spec.x, so paths read like real ones.
std::string at_spec_x(const std::string& x_schema) {
  return R"({"type":"object","properties":{"spec":{"type":"object","properties":{"x":)" + x_schema +
         "}}}}";
}
std::string spec_x(const std::string& value) {
  return R"({"spec":{"x":)" + value + "}}";
}

const char* const kTypeInvalid = "FieldValueTypeInvalid";
const char* const kInvalid = "FieldValueInvalid";

INSTANTIATE_TEST_SUITE_P(
    Types, Validate,
    ::testing::Values(
        ValidateCase{"IntegerAccepted", at_spec_x(R"({"type":"integer"})"), spec_x("3"), {}},
        ValidateCase{
            "IntegralFloatIsInteger", at_spec_x(R"({"type":"integer"})"), spec_x("3.0"), {}},
        ValidateCase{
            "StringForInteger",
            at_spec_x(R"({"type":"integer"})"),
            spec_x(R"("three")"),
            {{kTypeInvalid, "spec.x",
              R"(Invalid value: "string": spec.x in body must be of type integer: "string")"}}},
        ValidateCase{
            "FractionForInteger",
            at_spec_x(R"({"type":"integer"})"),
            spec_x("1.5"),
            {{kTypeInvalid, "spec.x",
              R"(Invalid value: "number": spec.x in body must be of type integer: "number")"}}},
        ValidateCase{"NumberAcceptsInteger", at_spec_x(R"({"type":"number"})"), spec_x("2"), {}},
        ValidateCase{
            "BooleanForString",
            at_spec_x(R"({"type":"string"})"),
            spec_x("true"),
            {{kTypeInvalid, "spec.x",
              R"(Invalid value: "boolean": spec.x in body must be of type string: "boolean")"}}},
        ValidateCase{
            "ArrayForObject",
            at_spec_x(R"({"type":"object"})"),
            spec_x("[]"),
            {{kTypeInvalid, "spec.x",
              R"(Invalid value: "array": spec.x in body must be of type object: "array")"}}},
        ValidateCase{
            "ObjectForArray",
            at_spec_x(R"({"type":"array","items":{"type":"string"}})"),
            spec_x("{}"),
            {{kTypeInvalid, "spec.x",
              R"(Invalid value: "object": spec.x in body must be of type array: "object")"}}},
        ValidateCase{"NullNotNullable",
                     at_spec_x(R"({"type":"string"})"),
                     spec_x("null"),
                     {{kTypeInvalid, "spec.x",
                       R"(Invalid value: "null": spec.x in body must be of type string: "null")"}}},
        ValidateCase{
            "NullNullable", at_spec_x(R"({"type":"string","nullable":true})"), spec_x("null"), {}},
        ValidateCase{
            "IntOrStringInt", at_spec_x(R"({"x-kubernetes-int-or-string":true})"), spec_x("5"), {}},
        ValidateCase{"IntOrStringString",
                     at_spec_x(R"({"x-kubernetes-int-or-string":true})"),
                     spec_x(R"("5Gi")"),
                     {}},
        ValidateCase{
            "IntOrStringBoolean",
            at_spec_x(R"({"x-kubernetes-int-or-string":true})"),
            spec_x("false"),
            {{kTypeInvalid, "spec.x",
              R"(Invalid value: "boolean": spec.x in body must be of type integer,string: "boolean")"}}},
        ValidateCase{"PreserveUnknownAcceptsAnything",
                     at_spec_x(R"({"x-kubernetes-preserve-unknown-fields":true})"),
                     spec_x(R"({"a":[1,{"b":null}]})"),
                     {}},
        ValidateCase{"RootMustBeObject",
                     R"({"type":"object"})",
                     R"("text")",
                     {{kTypeInvalid, "",
                       R"(Invalid value: "string": in body must be of type object: "string")"}}}),
    [](const auto& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    EnumAndNumbers, Validate,
    ::testing::Values(
        ValidateCase{"EnumAccepted",
                     at_spec_x(R"({"type":"string","enum":["Always","Halted"]})"),
                     spec_x(R"("Halted")"),
                     {}},
        ValidateCase{
            "EnumRejected",
            at_spec_x(R"({"type":"string","enum":["Always","Halted","Manual"]})"),
            spec_x(R"("Sometimes")"),
            {{"FieldValueNotSupported", "spec.x",
              R"(Unsupported value: "Sometimes": supported values: "Always", "Halted", "Manual")"}}},
        ValidateCase{"IntegerEnumRejected",
                     at_spec_x(R"({"type":"integer","enum":[1,2]})"),
                     spec_x("3"),
                     {{"FieldValueNotSupported", "spec.x",
                       R"(Unsupported value: 3: supported values: "1", "2")"}}},
        ValidateCase{"MinimumInclusiveEdge",
                     at_spec_x(R"({"type":"integer","minimum":1})"),
                     spec_x("1"),
                     {}},
        ValidateCase{"BelowMinimum",
                     at_spec_x(R"({"type":"integer","minimum":1})"),
                     spec_x("0"),
                     {{kInvalid, "spec.x",
                       "Invalid value: 0: spec.x in body should be greater than or equal to 1"}}},
        ValidateCase{
            "ExclusiveMinimum",
            at_spec_x(R"({"type":"number","minimum":0,"exclusiveMinimum":true})"),
            spec_x("0"),
            {{kInvalid, "spec.x", "Invalid value: 0: spec.x in body should be greater than 0"}}},
        ValidateCase{
            "AboveMaximum",
            at_spec_x(R"({"type":"integer","maximum":4094})"),
            spec_x("5000"),
            {{kInvalid, "spec.x",
              "Invalid value: 5000: spec.x in body should be less than or equal to 4094"}}},
        ValidateCase{
            "ExclusiveMaximum",
            at_spec_x(R"({"type":"number","maximum":2,"exclusiveMaximum":true})"),
            spec_x("2"),
            {{kInvalid, "spec.x", "Invalid value: 2: spec.x in body should be less than 2"}}},
        ValidateCase{"FractionalBoundPrinted",
                     at_spec_x(R"({"type":"number","maximum":1.5})"),
                     spec_x("1.75"),
                     {{kInvalid, "spec.x",
                       "Invalid value: 1.75: spec.x in body should be less than or equal to 1.5"}}},
        ValidateCase{
            "MultipleOf",
            at_spec_x(R"({"type":"integer","multipleOf":2})"),
            spec_x("3"),
            {{kInvalid, "spec.x", "Invalid value: 3: spec.x in body should be a multiple of 2"}}},
        ValidateCase{"MultipleOfAccepted",
                     at_spec_x(R"({"type":"integer","multipleOf":2})"),
                     spec_x("4"),
                     {}}),
    [](const auto& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    Strings, Validate,
    ::testing::Values(
        ValidateCase{"MaxLength",
                     at_spec_x(R"({"type":"string","maxLength":3})"),
                     spec_x(R"("abcd")"),
                     {{"FieldValueTooLong", "spec.x", "Too long: may not be more than 3 bytes"}}},
        ValidateCase{"MaxLengthCountsCodePoints",
                     at_spec_x(R"({"type":"string","maxLength":3})"),
                     spec_x(R"("äöü")"),
                     {}},
        ValidateCase{"MinLength",
                     at_spec_x(R"({"type":"string","minLength":1})"),
                     spec_x(R"("")"),
                     {{kInvalid, "spec.x",
                       R"(Invalid value: "": spec.x in body should be at least 1 chars long)"}}},
        ValidateCase{"PatternRejected",
                     at_spec_x(R"({"type":"string","pattern":"^[a-z]+$"})"),
                     spec_x(R"("Disk1")"),
                     {{kInvalid, "spec.x",
                       R"(Invalid value: "Disk1": spec.x in body should match '^[a-z]+$')"}}},
        ValidateCase{"PatternIsNotAnchored",
                     at_spec_x(R"({"type":"string","pattern":"[0-9]"})"),
                     spec_x(R"("disk1")"),
                     {}},
        ValidateCase{"PatternOnIntOrStringIgnoresIntegers",
                     at_spec_x(R"({"x-kubernetes-int-or-string":true,"pattern":"^[0-9]+Gi$"})"),
                     spec_x("1024"),
                     {}},
        ValidateCase{"FormatDateTime",
                     at_spec_x(R"({"type":"string","format":"date-time"})"),
                     spec_x(R"("2026-11-22T01:02:03Z")"),
                     {}},
        ValidateCase{
            "FormatDateTimeRejected",
            at_spec_x(R"({"type":"string","format":"date-time"})"),
            spec_x(R"("yesterday")"),
            {{kInvalid, "spec.x",
              R"(Invalid value: "yesterday": spec.x in body must be of type date-time: "yesterday")"}}},
        ValidateCase{"UnknownFormatIgnored",
                     at_spec_x(R"({"type":"string","format":"int-or-whatever"})"),
                     spec_x(R"("x")"),
                     {}}),
    [](const auto& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    Arrays, Validate,
    ::testing::Values(
        ValidateCase{
            "ItemsValidatedWithIndex",
            at_spec_x(R"({"type":"array","items":{"type":"integer","maximum":4094}})"),
            spec_x("[10, 5000]"),
            {{kInvalid, "spec.x[1]",
              "Invalid value: 5000: spec.x[1] in body should be less than or equal to 4094"}}},
        ValidateCase{"MaxItems",
                     at_spec_x(R"({"type":"array","maxItems":2,"items":{"type":"string"}})"),
                     spec_x(R"(["a","b","c"])"),
                     {{"FieldValueTooMany", "spec.x", "Too many: 3: must have at most 2 items"}}},
        ValidateCase{"MinItems",
                     at_spec_x(R"({"type":"array","minItems":1,"items":{"type":"string"}})"),
                     spec_x("[]"),
                     {{kInvalid, "spec.x",
                       "Invalid value: 0: spec.x in body should have at least 1 items"}}},
        ValidateCase{"UniqueItems",
                     at_spec_x(R"({"type":"array","uniqueItems":true,"items":{"type":"integer"}})"),
                     spec_x("[1,1]"),
                     {{kInvalid, "spec.x",
                       "Invalid value: [1,1]: spec.x in body shouldn't contain duplicates"}}},
        ValidateCase{
            "ListTypeSetDuplicate",
            at_spec_x(
                R"({"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"}})"),
            spec_x(R"(["a","b","a"])"),
            {{"FieldValueDuplicate", "spec.x[2]", R"(Duplicate value: "a")"}}},
        ValidateCase{"ListTypeMapDuplicateKey",
                     at_spec_x(R"({"type":"array","x-kubernetes-list-type":"map",
                       "x-kubernetes-list-map-keys":["name"],
                       "items":{"type":"object","required":["name"],
                                "properties":{"name":{"type":"string"},"size":{"type":"integer"}}}})"),
                     spec_x(R"([{"name":"os","size":1},{"name":"data"},{"name":"os","size":2}])"),
                     {{"FieldValueDuplicate", "spec.x[2]", R"(Duplicate value: {"name":"os"})"}}},
        ValidateCase{
            "ListTypeAtomicAllowsDuplicates",
            at_spec_x(
                R"({"type":"array","x-kubernetes-list-type":"atomic","items":{"type":"string"}})"),
            spec_x(R"(["a","a"])"),
            {}}),
    [](const auto& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    Objects, Validate,
    ::testing::Values(
        ValidateCase{"RequiredMissing",
                     at_spec_x(R"({"type":"object","required":["count","name"],
                       "properties":{"count":{"type":"integer"},"name":{"type":"string"}}})"),
                     spec_x(R"({"name":"a"})"),
                     {{"FieldValueRequired", "spec.x.count", "Required value"}}},
        ValidateCase{
            "AdditionalPropertiesSchema",
            at_spec_x(R"({"type":"object","additionalProperties":{"type":"string"}})"),
            spec_x(R"({"zone":"a","rack":7})"),
            {{kTypeInvalid, "spec.x.rack",
              R"(Invalid value: "integer": spec.x.rack in body must be of type string: "integer")"}}},
        ValidateCase{
            "AdditionalPropertiesFalse",
            at_spec_x(
                R"({"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false})"),
            spec_x(R"({"a":"x","b":1})"),
            {{kInvalid, "spec.x.b", "Invalid value: 1: spec.x.b in body is a forbidden property"}}},
        ValidateCase{"UnknownFieldsAreNotValidationErrors",
                     at_spec_x(R"({"type":"object","properties":{"a":{"type":"string"}}})"),
                     spec_x(R"({"a":"x","b":1})"),
                     {}},
        ValidateCase{
            "MaxProperties",
            at_spec_x(
                R"({"type":"object","maxProperties":1,"additionalProperties":{"type":"integer"}})"),
            spec_x(R"({"a":1,"b":2})"),
            {{"FieldValueTooMany", "spec.x", "Too many: 2: must have at most 1 items"}}},
        ValidateCase{
            "MinProperties",
            at_spec_x(
                R"({"type":"object","minProperties":1,"properties":{"a":{"type":"integer"}}})"),
            spec_x("{}"),
            {{kInvalid, "spec.x",
              "Invalid value: 0: spec.x in body should have at least 1 properties"}}},
        ValidateCase{
            "EmbeddedResourceNeedsTypeMeta",
            at_spec_x(R"({"type":"object","x-kubernetes-embedded-resource":true,
                       "x-kubernetes-preserve-unknown-fields":true})"),
            spec_x(R"({"kind":"Pod"})"),
            {{"FieldValueRequired", "spec.x.apiVersion", "Required value: must not be empty"}}},
        ValidateCase{"ErrorsAtSeveralDepthsAllReported",
                     R"({"type":"object","properties":{"spec":{"type":"object","required":["cpu"],
                       "properties":{"cpu":{"type":"object","properties":{"count":{"type":"integer","minimum":1}}},
                       "runStrategy":{"type":"string","enum":["Always"]}}}}})",
                     R"({"spec":{"runStrategy":"Never"}})",
                     {{"FieldValueRequired", "spec.cpu", "Required value"},
                      {"FieldValueNotSupported", "spec.runStrategy",
                       R"(Unsupported value: "Never": supported values: "Always")"}}}),
    [](const auto& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    Junctors, Validate,
    ::testing::Values(
        ValidateCase{"AllOfEveryBranch",
                     at_spec_x(R"({"type":"integer","allOf":[{"minimum":1},{"maximum":3}]})"),
                     spec_x("5"),
                     {{kInvalid, "spec.x",
                       "Invalid value: 5: spec.x in body should be less than or equal to 3"}}},
        ValidateCase{
            "AnyOfNoBranch",
            at_spec_x(R"({"type":"string","anyOf":[{"pattern":"^a"},{"pattern":"^b"}]})"),
            spec_x(R"("c")"),
            {{kInvalid, "spec.x",
              R"(Invalid value: "c": spec.x in body must validate at least one schema (anyOf))"}}},
        ValidateCase{"AnyOfOneBranch",
                     at_spec_x(R"({"type":"string","anyOf":[{"pattern":"^a"},{"pattern":"^b"}]})"),
                     spec_x(R"("b")"),
                     {}},
        ValidateCase{
            "OneOfTwoBranches",
            at_spec_x(R"({"type":"object","oneOf":[{"required":["a"]},{"required":["b"]}],
                       "properties":{"a":{"type":"string"},"b":{"type":"string"}}})"),
            spec_x(R"({"a":"1","b":"2"})"),
            {{kInvalid, "spec.x",
              R"(Invalid value: {"a":"1","b":"2"}: spec.x in body must validate one and only one schema (oneOf))"}}},
        ValidateCase{"OneOfExactlyOne",
                     at_spec_x(R"({"type":"object","oneOf":[{"required":["a"]},{"required":["b"]}],
                       "properties":{"a":{"type":"string"},"b":{"type":"string"}}})"),
                     spec_x(R"({"a":"1"})"),
                     {}},
        ValidateCase{
            "NotMatched",
            at_spec_x(R"({"type":"string","not":{"enum":["root"]}})"),
            spec_x(R"("root")"),
            {{kInvalid, "spec.x",
              R"(Invalid value: "root": spec.x in body must not validate the schema (not))"}}}),
    [](const auto& info) { return info.param.name; });

TEST(ValidateRootPath, PrefixesEveryField) {
  const json schema =
      json::parse(R"({"type":"object","properties":{"count":{"type":"integer","minimum":1}}})");
  const auto errors = validate(schema, json::parse(R"({"count":0})"), "spec.cpu");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "spec.cpu.count");
  EXPECT_EQ(errors[0].message,
            "Invalid value: 0: spec.cpu.count in body should be greater than or equal to 1");
}

TEST(ValidatePattern, VeryLongStringIsRejectedWithoutCrashing) {
  const json schema = json::parse(R"({"type":"string","pattern":"^[a-z]*$"})");
  const auto errors = validate(schema, std::string(1 << 20, 'a'), "spec.x");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].reason, "FieldValueInvalid");
}

TEST(ValidatePattern, InvalidPatternMatchesNothing) {
  const json schema = json::parse(R"({"type":"string","pattern":"(unclosed"})");
  EXPECT_EQ(validate(schema, "(unclosed", "spec.x").size(), 1u);
}

}  // namespace
}  // namespace hvo::schema
