#include "api/k8s/json_codec.h"

#include <gtest/gtest.h>

namespace hvo::k8s {
namespace {

TEST(JsonCodec, UnchangedQuantityKeepsTheUsersSpelling) {
  Json field = "1.5Gi";
  encode(field, *Quantity::parse("1536Mi"));
  EXPECT_EQ(field, "1.5Gi");
  encode(field, *Quantity::parse("2Gi"));
  EXPECT_EQ(field, "2Gi");
  Json number = 1024;
  encode(number, *Quantity::parse("1Ki"));
  EXPECT_EQ(number, 1024);
}

TEST(JsonCodec, UnchangedTimeKeepsTheOriginalSpelling) {
  Json field = "2026-11-22T03:46:16+02:00";
  encode(field, *Time::parse("2026-11-22T01:46:16Z"));
  EXPECT_EQ(field, "2026-11-22T03:46:16+02:00");
  encode(field, *Time::parse("2026-11-22T01:46:17Z"));
  EXPECT_EQ(field, "2026-11-22T01:46:17Z");
}

struct QuantityDecodeCase {
  const char* name;
  Json value;
  const char* expected;  // canonical text, or the error
  bool ok;
};

// What gtest prints for a row, and so what ctest names it by: a name, not the bytes.
void PrintTo(const QuantityDecodeCase& c, std::ostream* os) {
  *os << c.name;
}

class JsonQuantity : public testing::TestWithParam<QuantityDecodeCase> {};

TEST_P(JsonQuantity, AcceptsStringsAndNumbers) {
  FieldErrors errors;
  Quantity q;
  decode(GetParam().value, "spec.memory.startup", errors, q);
  if (GetParam().ok) {
    ASSERT_TRUE(errors.empty()) << join(errors);
    EXPECT_EQ(q.to_string(), GetParam().expected);
  } else {
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].to_string(), GetParam().expected);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, JsonQuantity,
    testing::Values(
        QuantityDecodeCase{"String", "2Gi", "2Gi", true},
        QuantityDecodeCase{"StringWithSpaces", " 2Gi ", "2Gi", true},
        QuantityDecodeCase{"Integer", 2147483648, "2147483648", true},
        QuantityDecodeCase{"Float", 1.5, "1500m", true},
        QuantityDecodeCase{"BadSuffix", "2GB",
                           "spec.memory.startup: quantity \"2GB\": unknown suffix \"GB\"", false},
        QuantityDecodeCase{"Boolean", true,
                           "spec.memory.startup: expected quantity (string or number), got boolean",
                           false}),
    [](const testing::TestParamInfo<QuantityDecodeCase>& info) { return info.param.name; });

struct IntegerCase {
  const char* name;
  Json value;
  const char* error;  // empty when accepted
};

void PrintTo(const IntegerCase& c, std::ostream* os) {
  *os << c.name;
}

class JsonInt32 : public testing::TestWithParam<IntegerCase> {};

TEST_P(JsonInt32, ChecksTypeAndRange) {
  FieldErrors errors;
  std::int32_t out = 7;
  decode(GetParam().value, "spec.cpu.count", errors, out);
  if (std::string(GetParam().error).empty()) {
    EXPECT_TRUE(errors.empty()) << join(errors);
    EXPECT_EQ(out, GetParam().value.get<std::int32_t>());
  } else {
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].to_string(), GetParam().error);
    EXPECT_EQ(out, 7) << "a rejected value leaves the output alone";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, JsonInt32,
    testing::Values(IntegerCase{"Small", 4, ""}, IntegerCase{"Negative", -4, ""},
                    IntegerCase{"String", "4", "spec.cpu.count: expected integer, got string"},
                    IntegerCase{"Float", 4.5, "spec.cpu.count: expected integer, got number"},
                    IntegerCase{"Null", nullptr, "spec.cpu.count: expected integer, got null"},
                    IntegerCase{"TooLarge", 4294967296,
                                "spec.cpu.count: integer out of range: 4294967296"}),
    [](const testing::TestParamInfo<IntegerCase>& info) { return info.param.name; });

TEST(JsonCodec, ObjectReaderReportsMissingRequiredAndWrongContainer) {
  FieldErrors errors;
  std::string name;
  const Json with_null = Json::parse(R"({"name":null})");
  const ObjectReader reader(with_null, "spec", errors);
  reader.required("name", name);
  const Json array = Json::parse("[1]");
  const ObjectReader not_object(array, "spec.cpu", errors);
  not_object.required("count", name);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].to_string(), "spec.name: required value");
  EXPECT_EQ(errors[1].to_string(), "spec.cpu: expected object, got array");
}

TEST(JsonCodec, PutOmitsEmptyValuesAndAbsentOptionals) {
  Json object = Json::parse(R"({"a":"x","b":[1],"c":3,"keep":true})");
  put(object, "a", std::string());
  put(object, "b", std::vector<std::string>());
  put(object, "c", std::optional<std::int64_t>());
  put(object, "d", std::string("new"));
  EXPECT_EQ(object, Json::parse(R"({"d":"new","keep":true})"));
}

}  // namespace
}  // namespace hvo::k8s
