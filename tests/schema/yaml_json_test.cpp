#include "api/schema/yaml_json.h"

#include <string>

#include <gtest/gtest.h>

#include "api/schema/yaml_scalar.h"

namespace hvo::schema {
namespace {

using nlohmann::json;

struct ScalarCase {
  std::string name;
  std::string yaml_value;  // as written after "v: "
  json expected;
};

// What gtest prints for a row, and so what ctest names it by: a name, not the bytes.
void PrintTo(const ScalarCase& c, std::ostream* os) {
  *os << c.name;
}

class PlainScalarTyping : public ::testing::TestWithParam<ScalarCase> {};

TEST_P(PlainScalarTyping, MatchesKubernetesDecoding) {
  const ScalarCase& c = GetParam();
  auto doc = yaml_to_json("v: " + c.yaml_value + "\n");
  ASSERT_TRUE(doc.ok()) << doc.error().message();
  const json& v = (*doc)["v"];
  EXPECT_EQ(v, c.expected) << "got " << v.dump();
  EXPECT_EQ(v.type(), c.expected.type()) << "got " << v.dump();
}

INSTANTIATE_TEST_SUITE_P(
    Table, PlainScalarTyping,
    ::testing::Values(
        ScalarCase{"Tilde", "~", nullptr}, ScalarCase{"NullWord", "null", nullptr},
        ScalarCase{"NullCapital", "NULL", nullptr}, ScalarCase{"Empty", "", nullptr},
        ScalarCase{"True", "true", true}, ScalarCase{"TrueCapital", "True", true},
        ScalarCase{"Yes", "yes", true}, ScalarCase{"On", "ON", true}, ScalarCase{"No", "no", false},
        ScalarCase{"Off", "off", false}, ScalarCase{"SingleN", "n", false},
        ScalarCase{"Decimal", "42", 42}, ScalarCase{"Negative", "-7", -7},
        ScalarCase{"PlusSign", "+5", 5}, ScalarCase{"Hex", "0x1F", 31},
        ScalarCase{"OctalPrefix", "0o17", 15}, ScalarCase{"LeadingZeroOctal", "017", 15},
        ScalarCase{"Binary", "0b101", 5}, ScalarCase{"Underscores", "1_000_000", 1000000},
        ScalarCase{"Int64Max", "9223372036854775807", INT64_MAX},
        ScalarCase{"Int64Min", "-9223372036854775808", INT64_MIN},
        ScalarCase{"Uint64", "18446744073709551615", UINT64_MAX},
        ScalarCase{"Fraction", "1.5", 1.5}, ScalarCase{"LeadingDot", ".5", 0.5},
        ScalarCase{"IntegralFloatBecomesInteger", "2.0", 2},
        ScalarCase{"ExponentBecomesInteger", "1e3", 1000},
        ScalarCase{"NegativeExponent", "5e-1", 0.5},
        ScalarCase{"BeyondUint64IsFloat", "99999999999999999999999", 1e23},
        ScalarCase{"InvalidOctalDigitIsFloat", "08", 8}, ScalarCase{"Quantity", "2Gi", "2Gi"},
        ScalarCase{"Millis", "500m", "500m"},
        ScalarCase{"Timestamp", "2024-05-01T10:00:00Z", "2024-05-01T10:00:00Z"},
        ScalarCase{"Date", "2024-05-01", "2024-05-01"}, ScalarCase{"VersionLike", "1.2.3", "1.2.3"},
        ScalarCase{"DashWord", "-abc", "-abc"}, ScalarCase{"QuotedNumber", "\"42\"", "42"},
        ScalarCase{"SingleQuotedBool", "'yes'", "yes"},
        ScalarCase{"QuotedNull", "\"null\"", "null"}, ScalarCase{"StrTag", "!!str 42", "42"},
        ScalarCase{"IntTag", "!!int 42", 42}, ScalarCase{"Word", "Always", "Always"}),
    [](const auto& info) { return info.param.name; });

TEST(YamlToJson, BlockScalarsAreStrings) {
  auto doc = yaml_to_json("literal: |\n  #cloud-config\n  true\nfolded: >\n  123\n");
  ASSERT_TRUE(doc.ok()) << doc.error().message();
  EXPECT_EQ((*doc)["literal"], "#cloud-config\ntrue\n");
  EXPECT_EQ((*doc)["folded"], "123\n");
}

TEST(YamlToJson, NonStringKeysBecomeTheirStringForm) {
  auto doc = yaml_to_json("1: a\nyes: b\n0x10: c\n~: d\n\"7\": e\n");
  ASSERT_TRUE(doc.ok()) << doc.error().message();
  EXPECT_EQ(*doc, json({{"1", "a"}, {"true", "b"}, {"16", "c"}, {"null", "d"}, {"7", "e"}}));
}

TEST(YamlToJson, NestedMapsAndSequencesKeepOrderAndShape) {
  auto doc = yaml_to_json(
      "spec:\n  disks:\n  - name: os\n    size: 40Gi\n  - {name: data, size: 100}\n"
      "  tags: [a, 2, false]\n");
  ASSERT_TRUE(doc.ok()) << doc.error().message();
  EXPECT_EQ(*doc, json::parse(R"({"spec":{"disks":[{"name":"os","size":"40Gi"},
      {"name":"data","size":100}],"tags":["a",2,false]}})"));
}

TEST(YamlToJson, AnchorsAliasesAndMergeKeys) {
  auto doc =
      yaml_to_json("base: &b {cpu: 2, memory: 4Gi}\nvm:\n  <<: *b\n  memory: 8Gi\ncopy: *b\n");
  ASSERT_TRUE(doc.ok()) << doc.error().message();
  EXPECT_EQ((*doc)["vm"], json({{"cpu", 2}, {"memory", "8Gi"}}));
  EXPECT_EQ((*doc)["copy"], json({{"cpu", 2}, {"memory", "4Gi"}}));
}

TEST(YamlToJsonDocuments, SplitsStreamAndSkipsEmptyDocuments) {
  auto docs = yaml_to_json_documents(
      "# leading comment\n---\na: 1\n---\n# only a comment\n---\n---\nb: 2\n...\n");
  ASSERT_TRUE(docs.ok()) << docs.error().message();
  ASSERT_EQ(docs->size(), 2u);
  EXPECT_EQ((*docs)[0], json({{"a", 1}}));
  EXPECT_EQ((*docs)[1], json({{"b", 2}}));
}

TEST(YamlToJsonDocuments, EmptyInputHasNoDocuments) {
  auto docs = yaml_to_json_documents("");
  ASSERT_TRUE(docs.ok());
  EXPECT_TRUE(docs->empty());
}

TEST(YamlToJson, RequiresExactlyOneDocument) {
  auto none = yaml_to_json("# nothing\n");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message().find("found 0"), std::string::npos);
  auto two = yaml_to_json("a: 1\n---\nb: 2\n");
  ASSERT_FALSE(two.ok());
  EXPECT_NE(two.error().message().find("found 2"), std::string::npos);
}

struct ErrorCase {
  std::string name;
  std::string yaml;
  std::string expected_fragment;  // the message must contain it (line number and cause)
};

void PrintTo(const ErrorCase& c, std::ostream* os) {
  *os << c.name;
}

class MalformedYaml : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(MalformedYaml, IsRejectedWithLineAndCause) {
  const ErrorCase& c = GetParam();
  auto docs = yaml_to_json_documents(c.yaml);
  ASSERT_FALSE(docs.ok()) << "accepted: " << c.yaml;
  EXPECT_EQ(docs.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(docs.error().message().find(c.expected_fragment), std::string::npos)
      << docs.error().message();
}

std::string deep_nesting(int levels) {
  return std::string(static_cast<size_t>(levels), '[') +
         std::string(static_cast<size_t>(levels), ']');
}

std::string alias_bomb() {
  std::string y = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c) {
    y += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i)
      y += std::string(i ? ", *" : "*") + prev;
    y += "]\n";
    prev = c;
  }
  return y;
}

INSTANTIATE_TEST_SUITE_P(
    Table, MalformedYaml,
    ::testing::Values(ErrorCase{"UnclosedFlowSequence", "a: [1, 2\nb: 3\n", "line "},
                      ErrorCase{"BadIndentation", "a:\n  b: 1\n c: 2\n", "line 3"},
                      ErrorCase{"DuplicateKey", "spec:\n  cpu: 1\n  cpu: 2\n",
                                "line 3, column 3: mapping key \"cpu\" already defined at line 2"},
                      ErrorCase{"ComplexKey", "? [a, b]\n: c\n", "mapping keys must be scalars"},
                      ErrorCase{"Infinity", "v: .inf\n", "cannot be represented in JSON"},
                      ErrorCase{"NaN", "v: .nan\n", "cannot be represented in JSON"},
                      ErrorCase{"WrongIntTag", "v: !!int abc\n", "as !!int"},
                      ErrorCase{"UnknownAlias", "a: *missing\n", "line 1"},
                      ErrorCase{"TabIndentation", "a:\n\tb: 1\n", "line 2"},
                      ErrorCase{"MergeOfScalar", "a:\n  <<: 5\n", "map merge requires"},
                      ErrorCase{"DeepNesting", deep_nesting(5000), "invalid YAML"},
                      ErrorCase{"AliasBomb", alias_bomb(), "too many alias references"},
                      // Found by the yaml_json fuzz target: such strings made dump() throw.
                      ErrorCase{"InvalidUtf8Value", "v: a\xfe b\n", "not valid UTF-8"},
                      ErrorCase{"InvalidUtf8Key", "k\xfe: 1\n", "not valid UTF-8"},
                      // Also found by it: yaml-cpp 0.7's LoadAll never returned on these.
                      ErrorCase{"LoneComma", ",\n", "line 1, column 1: unexpected ','"},
                      ErrorCase{"CommaAfterBlockSequence", "- a\n,\n", "line 2, column 1"},
                      ErrorCase{"CommaInALaterDocument", "a: 1\n---\n,# empty\n", "line 3"}),
    [](const auto& info) { return info.param.name; });

TEST(PlainKeyToString, UsesTheResolvedValue) {
  EXPECT_EQ(plain_key_to_string("on"), "true");
  EXPECT_EQ(plain_key_to_string("0b11"), "3");
  EXPECT_EQ(plain_key_to_string("name"), "name");
  EXPECT_EQ(plain_key_to_string("1.5"), "1.5");
}

}  // namespace
}  // namespace hvo::schema
