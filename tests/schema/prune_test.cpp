#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "api/schema/structural_schema.h"

namespace hvo::schema {
namespace {

using nlohmann::json;

struct PruneCase {
  std::string name;
  std::string schema;
  std::string input;
  std::string expected;
  std::vector<std::string> pruned;
};

// What gtest prints for a row, and so what ctest names it by: a name, not the bytes.
void PrintTo(const PruneCase& c, std::ostream* os) {
  *os << c.name;
}

class Prune : public ::testing::TestWithParam<PruneCase> {};

TEST_P(Prune, DropsUndeclaredFieldsAndNamesThem) {
  const PruneCase& c = GetParam();
  json value = json::parse(c.input);
  std::vector<std::string> pruned;
  prune(json::parse(c.schema), value, &pruned);
  EXPECT_EQ(value, json::parse(c.expected)) << value.dump();
  EXPECT_EQ(pruned, c.pruned);
}

const char* const kResource = R"({"type":"object","properties":{
  "metadata":{"type":"object"},
  "spec":{"type":"object","properties":{
    "cpu":{"type":"object","properties":{"count":{"type":"integer"}}},
    "disks":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"}}}},
    "labels":{"type":"object","additionalProperties":{"type":"string"}},
    "raw":{"type":"object","x-kubernetes-preserve-unknown-fields":true,
           "properties":{"known":{"type":"object","properties":{"a":{"type":"string"}}}}},
    "template":{"type":"object","x-kubernetes-embedded-resource":true,
                "properties":{"spec":{"type":"object","properties":{"x":{"type":"string"}}}}}}}}})";

INSTANTIATE_TEST_SUITE_P(
    Table, Prune,
    ::testing::Values(
        PruneCase{
            "RootKeepsTypeMetaAndMetadata",
            kResource,
            R"({"apiVersion":"v1","kind":"K","metadata":{"name":"a","extra":1},"bogus":true})",
            R"({"apiVersion":"v1","kind":"K","metadata":{"name":"a","extra":1}})",
            {"bogus"}},
        PruneCase{"NestedUnknownFields",
                  kResource,
                  R"({"spec":{"cpu":{"count":2,"cores":4},"colour":"red"}})",
                  R"({"spec":{"cpu":{"count":2}}})",
                  {"spec.colour", "spec.cpu.cores"}},
        PruneCase{"ArrayItems",
                  kResource,
                  R"({"spec":{"disks":[{"name":"os","bus":"ide"},{"name":"d"}]}})",
                  R"({"spec":{"disks":[{"name":"os"},{"name":"d"}]}})",
                  {"spec.disks[0].bus"}},
        PruneCase{"AdditionalPropertiesKeepAllKeys",
                  kResource,
                  R"({"spec":{"labels":{"a":"1","b":"2"}}})",
                  R"({"spec":{"labels":{"a":"1","b":"2"}}})",
                  {}},
        PruneCase{"PreserveUnknownKeepsUnknownButPrunesKnown",
                  kResource,
                  R"({"spec":{"raw":{"free":{"x":1},"known":{"a":"1","b":2}}}})",
                  R"({"spec":{"raw":{"free":{"x":1},"known":{"a":"1"}}}})",
                  {"spec.raw.known.b"}},
        PruneCase{
            "EmbeddedResourceKeepsTypeMeta",
            kResource,
            R"({"spec":{"template":{"apiVersion":"v1","kind":"Pod","metadata":{},"spec":{"x":"1","y":2},"z":3}}})",
            R"({"spec":{"template":{"apiVersion":"v1","kind":"Pod","metadata":{},"spec":{"x":"1"}}}})",
            {"spec.template.spec.y", "spec.template.z"}}),
    [](const auto& info) { return info.param.name; });

TEST(PruneWithoutReport, StillPrunes) {
  json value = json::parse(R"({"spec":{"colour":"red"}})");
  prune(json::parse(kResource), value);
  EXPECT_EQ(value, json::parse(R"({"spec":{}})"));
}

}  // namespace
}  // namespace hvo::schema
