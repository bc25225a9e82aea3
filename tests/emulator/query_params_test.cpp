#include "tools/apiserver-lite/rest/query_params.h"

#include <gtest/gtest.h>

#include "tools/apiserver-lite/rest/api_error.h"
#include "tools/apiserver-lite/rest/list_options.h"

namespace hvo::apiserver {
namespace {

net::HttpRequest with_raw_query(const std::string& raw) {
  net::HttpRequest request;
  request.raw_query = raw;
  request.query = net::decode_query(raw);
  return request;
}

TEST(QueryFlag, OnlyZeroAndFalseAreFalse) {
  struct Case {
    const char* value;
    bool expected;
  };
  const Case cases[] = {{"1", true},      {"true", true},   {"True", true},  {"TRUE", true},
                        {"yes", true},    {"", true},       {"2", true},     {"0", false},
                        {"false", false}, {"False", false}, {"FALSE", false}};
  for (const auto& c : cases)
    EXPECT_EQ(parse_query_flag(c.value), c.expected) << "value \"" << c.value << "\"";
}

TEST(QueryParams, AbsentFlagIsFalseAndBareNameIsTrue) {
  EXPECT_FALSE(QueryParams(with_raw_query("limit=1")).flag("watch"));
  EXPECT_TRUE(QueryParams(with_raw_query("watch")).flag("watch"));
  EXPECT_TRUE(QueryParams(with_raw_query("watch=")).flag("watch"));
  EXPECT_TRUE(QueryParams(with_raw_query("watch=True&limit=1")).flag("watch"));
}

TEST(QueryParams, FirstValueOfARepeatedParameterCounts) {
  const QueryParams query(with_raw_query("watch=false&watch=true&fieldManager=a&fieldManager=b"));
  EXPECT_FALSE(query.flag("watch"));
  EXPECT_EQ(query.text("fieldManager"), "a");
}

TEST(QueryParams, DecodesPercentEscapes) {
  const QueryParams query(with_raw_query("labelSelector=app%3Dweb%2Ctier+in+%28a%29"));
  EXPECT_EQ(query.text("labelSelector"), "app=web,tier in (a)");
}

TEST(GoInt64, ParsesAsStrconvParseInt) {
  struct Case {
    const char* text;
    std::optional<int64_t> value;
    const char* error;
  };
  const Case cases[] = {
      {"42", 42, ""},
      {"+7", 7, ""},
      {"-3", -3, ""},
      {"007", 7, ""},
      {"9223372036854775807", INT64_MAX, ""},
      {"-9223372036854775808", INT64_MIN, ""},
      {"ten", std::nullopt, "strconv.ParseInt: parsing \"ten\": invalid syntax"},
      {"0.1s", std::nullopt, "strconv.ParseInt: parsing \"0.1s\": invalid syntax"},
      {"", std::nullopt, "strconv.ParseInt: parsing \"\": invalid syntax"},
      {"-", std::nullopt, "strconv.ParseInt: parsing \"-\": invalid syntax"},
      {" 5", std::nullopt, "strconv.ParseInt: parsing \" 5\": invalid syntax"},
      {"1_000", std::nullopt, "strconv.ParseInt: parsing \"1_000\": invalid syntax"},
      {"9223372036854775808", std::nullopt,
       "strconv.ParseInt: parsing \"9223372036854775808\": value out of range"},
      {"-99999999999999999999", std::nullopt,
       "strconv.ParseInt: parsing \"-99999999999999999999\": value out of range"},
  };
  for (const auto& c : cases) {
    std::string error;
    EXPECT_EQ(parse_go_int64(c.text, error), c.value) << c.text;
    EXPECT_EQ(error, c.error) << c.text;
  }
}

TEST(GoDuration, ParsesAsTimeParseDuration) {
  using std::chrono::nanoseconds;
  struct Case {
    const char* text;
    std::optional<nanoseconds> value;
    const char* error;
  };
  const Case cases[] = {
      {"0", nanoseconds(0), ""},
      {"-0", nanoseconds(0), ""},
      {"30s", nanoseconds(30'000'000'000), ""},
      {"1m30s", nanoseconds(90'000'000'000), ""},
      {"1.5h", nanoseconds(5'400'000'000'000), ""},
      {"-2ms", nanoseconds(-2'000'000), ""},
      {"250us", nanoseconds(250'000), ""},
      {"7ns", nanoseconds(7), ""},
      {".5s", nanoseconds(500'000'000), ""},
      {"5", std::nullopt, "time: missing unit in duration \"5\""},
      {"5d", std::nullopt, "time: unknown unit \"d\" in duration \"5d\""},
      {"abc", std::nullopt, "time: invalid duration \"abc\""},
      {"", std::nullopt, "time: invalid duration \"\""},
      {".s", std::nullopt, "time: invalid duration \".s\""},
      {"3000000h", std::nullopt, "time: invalid duration \"3000000h\""},
  };
  for (const auto& c : cases) {
    std::string error;
    EXPECT_EQ(parse_go_duration_strict(c.text, error), c.value) << c.text;
    EXPECT_EQ(error, c.error) << c.text;
  }
}

TEST(QueryParams, GarbageIntegerIsBadRequestWithGosMessage) {
  try {
    parse_list_options(with_raw_query("limit=ten"));
    FAIL() << "limit=ten was accepted";
  } catch (const ApiError& error) {
    EXPECT_EQ(error.code(), 400);
    EXPECT_EQ(error.reason(), "BadRequest");
    EXPECT_STREQ(error.what(), "strconv.ParseInt: parsing \"ten\": invalid syntax");
  }
  EXPECT_THROW(parse_list_options(with_raw_query("timeoutSeconds=0.1s")), ApiError);
}

TEST(QueryParams, BadDurationNamesTheContext) {
  try {
    QueryParams(with_raw_query("timeout=5")).duration("timeout", "invalid timeout");
    FAIL() << "timeout=5 was accepted";
  } catch (const ApiError& error) {
    EXPECT_EQ(error.code(), 400);
    EXPECT_STREQ(error.what(), "invalid timeout - time: missing unit in duration \"5\"");
  }
  EXPECT_FALSE(QueryParams(with_raw_query("timeout=")).duration("timeout", "x"));
  EXPECT_EQ(QueryParams(with_raw_query("timeout=2s")).duration("timeout", "x"),
            std::chrono::seconds(2));
}

TEST(ListOptions, ReadsPythonClientBooleans) {
  const auto options =
      parse_list_options(with_raw_query("watch=True&allowWatchBookmarks=True&sendInitialEvents="
                                        "True&timeoutSeconds=5"));
  EXPECT_TRUE(options.watch);
  EXPECT_TRUE(options.allow_bookmarks);
  EXPECT_TRUE(options.send_initial_events);
  EXPECT_EQ(options.timeout_seconds, 5);
  EXPECT_FALSE(parse_list_options(with_raw_query("watch=False")).watch);
}

}  // namespace
}  // namespace hvo::apiserver
