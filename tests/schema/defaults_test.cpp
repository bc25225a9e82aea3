#include <string>

#include <gtest/gtest.h>

#include "api/schema/structural_schema.h"

namespace hvo::schema {
namespace {

using nlohmann::json;

struct DefaultCase {
  std::string name;
  std::string schema;
  std::string input;
  std::string expected;
};

// What gtest prints for a row, and so what ctest names it by: a name, not the bytes.
void PrintTo(const DefaultCase& c, std::ostream* os) {
  *os << c.name;
}

class ApplyDefaults : public ::testing::TestWithParam<DefaultCase> {};

TEST_P(ApplyDefaults, ProducesTheDefaultedObject) {
  const DefaultCase& c = GetParam();
  json value = json::parse(c.input);
  apply_defaults(json::parse(c.schema), value);
  EXPECT_EQ(value, json::parse(c.expected)) << value.dump();
}

const char* const kVmLike = R"({"type":"object","properties":{
  "runStrategy":{"type":"string","default":"Always"},
  "generation":{"type":"integer","default":2},
  "shutdown":{"type":"object","default":{},"properties":{
     "mode":{"type":"string","default":"Graceful"},
     "timeoutSeconds":{"type":"integer","default":120}}},
  "firmware":{"type":"object","properties":{"secureBoot":{"type":"boolean","default":true}}},
  "disks":{"type":"array","items":{"type":"object","properties":{
     "name":{"type":"string"},"source":{"type":"string","default":"blank"}}}},
  "labels":{"type":"object","additionalProperties":{"type":"object","properties":{
     "weight":{"type":"integer","default":1}}}},
  "note":{"type":"string","nullable":true,"default":"n/a"},
  "comment":{"type":"string"}}})";

INSTANTIATE_TEST_SUITE_P(
    Table, ApplyDefaults,
    ::testing::Values(
        DefaultCase{"MissingScalarsGetDefaults", kVmLike, "{}",
                    R"({"runStrategy":"Always","generation":2,"note":"n/a",
                        "shutdown":{"mode":"Graceful","timeoutSeconds":120}})"},
        DefaultCase{
            "GivenValuesWin", kVmLike,
            R"({"runStrategy":"Halted","generation":1,"note":"x","shutdown":{"mode":"TurnOff"}})",
            R"({"runStrategy":"Halted","generation":1,"note":"x",
                        "shutdown":{"mode":"TurnOff","timeoutSeconds":120}})"},
        DefaultCase{"AbsentObjectWithoutDefaultStaysAbsent", kVmLike, R"({"generation":2})",
                    R"({"runStrategy":"Always","generation":2,"note":"n/a",
                        "shutdown":{"mode":"Graceful","timeoutSeconds":120}})"},
        DefaultCase{
            "PresentObjectGetsNestedDefaults", kVmLike, R"({"firmware":{}})",
            R"({"runStrategy":"Always","generation":2,"note":"n/a","firmware":{"secureBoot":true},
                        "shutdown":{"mode":"Graceful","timeoutSeconds":120}})"},
        DefaultCase{"ArrayItemsDefaulted", kVmLike,
                    R"({"disks":[{"name":"os"},{"name":"d","source":"image"}]})",
                    R"({"runStrategy":"Always","generation":2,"note":"n/a",
                        "shutdown":{"mode":"Graceful","timeoutSeconds":120},
                        "disks":[{"name":"os","source":"blank"},{"name":"d","source":"image"}]})"},
        DefaultCase{"AdditionalPropertiesValuesDefaulted", kVmLike, R"({"labels":{"a":{}}})",
                    R"({"runStrategy":"Always","generation":2,"note":"n/a",
                        "shutdown":{"mode":"Graceful","timeoutSeconds":120},
                        "labels":{"a":{"weight":1}}})"},
        DefaultCase{"NullNonNullableReplacedByDefault", kVmLike, R"({"runStrategy":null})",
                    R"({"runStrategy":"Always","generation":2,"note":"n/a",
                        "shutdown":{"mode":"Graceful","timeoutSeconds":120}})"},
        DefaultCase{"NullNonNullableWithoutDefaultDropped", kVmLike, R"({"comment":null})",
                    R"({"runStrategy":"Always","generation":2,"note":"n/a",
                        "shutdown":{"mode":"Graceful","timeoutSeconds":120}})"},
        DefaultCase{"NullNullableKept", kVmLike, R"({"note":null})",
                    R"({"runStrategy":"Always","generation":2,"note":null,
                        "shutdown":{"mode":"Graceful","timeoutSeconds":120}})"},
        DefaultCase{"UnknownNullsUntouched", kVmLike, R"({"unknown":null})",
                    R"({"runStrategy":"Always","generation":2,"note":"n/a","unknown":null,
                        "shutdown":{"mode":"Graceful","timeoutSeconds":120}})"},
        DefaultCase{"NonObjectValueUntouched", kVmLike, R"("text")", R"("text")"}),
    [](const auto& info) { return info.param.name; });

TEST(ApplyDefaultsIdempotence, SecondRunChangesNothing) {
  json value = json::parse(R"({"disks":[{"name":"os"}]})");
  const json schema = json::parse(kVmLike);
  apply_defaults(schema, value);
  const json once = value;
  apply_defaults(schema, value);
  EXPECT_EQ(value, once);
}

}  // namespace
}  // namespace hvo::schema
