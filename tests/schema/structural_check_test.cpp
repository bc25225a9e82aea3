#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "api/schema/structural_schema.h"

namespace hvo::schema {
namespace {

using nlohmann::json;

struct StructuralCase {
  std::string name;
  std::string schema;
  std::vector<std::string> problems;  // exact messages, in order
};

// What gtest prints for a row, and so what ctest names it by: a name, not the bytes.
void PrintTo(const StructuralCase& c, std::ostream* os) {
  *os << c.name;
}

class CheckStructural : public ::testing::TestWithParam<StructuralCase> {};

TEST_P(CheckStructural, ReportsEveryViolationWithItsPath) {
  const StructuralCase& c = GetParam();
  EXPECT_EQ(check_structural(json::parse(c.schema)), c.problems);
}

// Wraps a node as the schema of spec.x in an otherwise structural root.
std::string with_x(const std::string& x) {
  return R"({"type":"object","properties":{"spec":{"type":"object","properties":{"x":)" + x +
         "}}}}";
}

INSTANTIATE_TEST_SUITE_P(
    Table, CheckStructural,
    ::testing::Values(
        StructuralCase{"StructuralSchemaPasses",
                       with_x(R"({"type":"object","properties":{"a":{"type":"string","default":"z"},
                         "q":{"x-kubernetes-int-or-string":true,
                              "anyOf":[{"type":"integer"},{"type":"string"}]},
                         "free":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}})"),
                       {}},
        StructuralCase{"RootMustBeObject",
                       R"({"type":"array","items":{"type":"string"}})",
                       {R"(type: Invalid value: "array": must be object at the root)"}},
        StructuralCase{"MissingType",
                       with_x(R"({"description":"no type"})"),
                       {"properties[spec].properties[x].type: Required value: must not be empty "
                        "for specified object fields"}},
        StructuralCase{
            "IntOrStringWithType",
            with_x(R"({"type":"string","x-kubernetes-int-or-string":true})"),
            {R"(properties[spec].properties[x].type: Invalid value: "string": must be empty if x-kubernetes-int-or-string is true)"}},
        StructuralCase{"PropertiesWithAdditionalProperties",
                       with_x(R"({"type":"object","properties":{"a":{"type":"string"}},
                         "additionalProperties":{"type":"string"}})"),
                       {"properties[spec].properties[x].additionalProperties: Forbidden: "
                        "additionalProperties and properties are mutual exclusive"}},
        StructuralCase{"ArrayWithoutItems",
                       with_x(R"({"type":"array"})"),
                       {"properties[spec].properties[x].items: Required value: must be specified"}},
        StructuralCase{"TypeInsideJunctor",
                       with_x(R"({"type":"string","anyOf":[{"type":"string","pattern":"^a"}]})"),
                       {"properties[spec].properties[x].anyOf[0].type: Forbidden: must be empty "
                        "to be structural"}},
        StructuralCase{"DescriptionInsideJunctor",
                       with_x(R"({"type":"string","not":{"description":"d","enum":["a"]}})"),
                       {"properties[spec].properties[x].not.description: Forbidden: must be "
                        "empty to be structural"}},
        StructuralCase{"RootMetadataBeyondName",
                       R"({"type":"object","properties":{"metadata":{"type":"object",
                         "properties":{"name":{"type":"string"},"labels":{"type":"object"}}}}})",
                       {"properties[metadata].properties[labels]: Forbidden: must not specify "
                        "anything other than name and generateName, but metadata is implicitly "
                        "specified"}},
        StructuralCase{"UnsupportedKeyword",
                       with_x(R"({"type":"object","$ref":"#/x"})"),
                       {"properties[spec].properties[x].$ref: Forbidden: $ref is not supported"}},
        StructuralCase{"UniqueItemsForbidden",
                       with_x(R"({"type":"array","uniqueItems":true,"items":{"type":"string"}})"),
                       {"properties[spec].properties[x].uniqueItems: Forbidden: uniqueItems "
                        "cannot be set to true since the runtime complexity becomes quadratic"}},
        StructuralCase{"PreserveUnknownFalse",
                       with_x(R"({"type":"object","x-kubernetes-preserve-unknown-fields":false})"),
                       {"properties[spec].properties[x].x-kubernetes-preserve-unknown-fields: "
                        "Invalid value: false: must be true or undefined"}},
        StructuralCase{"ListMapWithoutKeys",
                       with_x(R"({"type":"array","x-kubernetes-list-type":"map",
                         "items":{"type":"object","properties":{"name":{"type":"string"}}}})"),
                       {"properties[spec].properties[x].x-kubernetes-list-map-keys: Required "
                        "value: must not be empty if x-kubernetes-list-type is map"}},
        StructuralCase{"ListMapKeyNotRequired",
                       with_x(R"({"type":"array","x-kubernetes-list-type":"map",
                         "x-kubernetes-list-map-keys":["name"],
                         "items":{"type":"object","properties":{"name":{"type":"string"}}}})"),
                       {"properties[spec].properties[x].items.properties[name]: Required value: "
                        "a x-kubernetes-list-map-keys entry must be required or have a default"}},
        StructuralCase{
            "ListSetOfObjects",
            with_x(R"({"type":"array","x-kubernetes-list-type":"set",
                         "items":{"type":"object","properties":{"a":{"type":"string"}}}})"),
            {R"(properties[spec].properties[x].items.type: Invalid value: "object": must be a scalar type if x-kubernetes-list-type is set)"}},
        StructuralCase{
            "MapTypeOnString",
            with_x(R"({"type":"string","x-kubernetes-map-type":"atomic"})"),
            {R"(properties[spec].properties[x].type: Invalid value: "string": must be object if x-kubernetes-map-type is specified)"}},
        StructuralCase{"InvalidDefault",
                       with_x(R"({"type":"integer","minimum":1,"default":0})"),
                       {"properties[spec].properties[x].default: Invalid value: 0: in body "
                        "should be greater than or equal to 1"}},
        StructuralCase{
            "DefaultWithUnknownField",
            with_x(R"({"type":"object","properties":{"a":{"type":"string"}},
                         "default":{"a":"1","b":2}})"),
            {R"(properties[spec].properties[x].default: Invalid value: must not have unknown fields, found "b")"}}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace hvo::schema
