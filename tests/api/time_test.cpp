#include "api/k8s/time.h"

#include <gtest/gtest.h>

namespace hvo::k8s {
namespace {

using std::chrono::nanoseconds;
using std::chrono::seconds;

struct ParseCase {
  const char* text;
  std::int64_t unix_seconds;
  std::int64_t nanos;
  const char* formatted;        // Time::to_string()
  const char* formatted_micro;  // MicroTime::to_string()
};

// What gtest prints for a row, and so what ctest names it by: a name, not the bytes.
void PrintTo(const ParseCase& c, std::ostream* os) {
  *os << ::testing::PrintToString(std::string(c.text));
}

class TimeParse : public testing::TestWithParam<ParseCase> {};

TEST_P(TimeParse, ParsesToTheInstantAndPrintsInUtc) {
  const auto time = Time::parse(GetParam().text);
  ASSERT_TRUE(time.ok()) << time.error().message();
  EXPECT_EQ(time->time_point(),
            TimePoint(seconds(GetParam().unix_seconds) + nanoseconds(GetParam().nanos)));
  EXPECT_EQ(time->to_string(), GetParam().formatted);
  const auto micro = MicroTime::parse(GetParam().text);
  ASSERT_TRUE(micro.ok());
  EXPECT_EQ(micro->to_string(), GetParam().formatted_micro);
}

INSTANTIATE_TEST_SUITE_P(
    Table, TimeParse,
    testing::Values(ParseCase{"1970-01-01T00:00:00Z", 0, 0, "1970-01-01T00:00:00Z",
                              "1970-01-01T00:00:00.000000Z"},
                    ParseCase{"2026-11-22T01:46:16Z", 1795311976, 0, "2026-11-22T01:46:16Z",
                              "2026-11-22T01:46:16.000000Z"},
                    ParseCase{"2026-11-22T01:46:16.123456Z", 1795311976, 123456000,
                              "2026-11-22T01:46:16Z", "2026-11-22T01:46:16.123456Z"},
                    ParseCase{"2026-11-22T01:46:16.5Z", 1795311976, 500000000,
                              "2026-11-22T01:46:16Z", "2026-11-22T01:46:16.500000Z"},
                    ParseCase{"2026-11-22T01:46:16.123456789123Z", 1795311976, 123456789,
                              "2026-11-22T01:46:16Z", "2026-11-22T01:46:16.123456Z"},
                    ParseCase{"2026-11-22T03:46:16+02:00", 1795311976, 0, "2026-11-22T01:46:16Z",
                              "2026-11-22T01:46:16.000000Z"},
                    ParseCase{"2026-11-21T20:16:16-05:30", 1795311976, 0, "2026-11-22T01:46:16Z",
                              "2026-11-22T01:46:16.000000Z"},
                    ParseCase{"2024-02-29T23:59:59Z", 1709251199, 0, "2024-02-29T23:59:59Z",
                              "2024-02-29T23:59:59.000000Z"},
                    ParseCase{"1969-12-31T23:59:59Z", -1, 0, "1969-12-31T23:59:59Z",
                              "1969-12-31T23:59:59.000000Z"},
                    ParseCase{"2000-03-01T00:00:00Z", 951868800, 0, "2000-03-01T00:00:00Z",
                              "2000-03-01T00:00:00.000000Z"}));

struct InvalidCase {
  const char* text;
  const char* problem;
};

void PrintTo(const InvalidCase& c, std::ostream* os) {
  *os << ::testing::PrintToString(std::string(c.text));
}

class TimeInvalid : public testing::TestWithParam<InvalidCase> {};

TEST_P(TimeInvalid, IsRejectedNamingTheProblem) {
  const auto time = Time::parse(GetParam().text);
  ASSERT_FALSE(time.ok()) << GetParam().text;
  EXPECT_EQ(time.error().message(), std::string("time \"") + GetParam().text +
                                        "\": " + GetParam().problem +
                                        " (expected RFC 3339, e.g. 2006-01-02T15:04:05Z)");
}

INSTANTIATE_TEST_SUITE_P(
    Table, TimeInvalid,
    testing::Values(InvalidCase{"", "malformed date or time"},
                    InvalidCase{"2026-11-22", "malformed date or time"},
                    InvalidCase{"2026-11-22 01:46:16Z", "malformed date or time"},
                    InvalidCase{"2026-13-01T00:00:00Z", "month out of range"},
                    InvalidCase{"2023-02-29T00:00:00Z", "day out of range"},
                    InvalidCase{"2026-04-31T00:00:00Z", "day out of range"},
                    InvalidCase{"2026-11-22T24:00:00Z", "hour out of range"},
                    InvalidCase{"2026-11-22T01:60:00Z", "minute out of range"},
                    InvalidCase{"2026-11-22T01:46:60Z", "second out of range"},
                    InvalidCase{"2026-11-22T01:46:16", "missing or malformed offset"},
                    InvalidCase{"2026-11-22T01:46:16z", "missing or malformed offset"},
                    InvalidCase{"2026-11-22T01:46:16Zjunk", "missing or malformed offset"},
                    InvalidCase{"2026-11-22T01:46:16+0200", "missing or malformed offset"},
                    InvalidCase{"2026-11-22T01:46:16+24:00", "malformed offset"},
                    InvalidCase{"2026-11-22T01:46:16.Z", "missing fractional digits"}));

TEST(Time, OrdersByInstant) {
  const Time earlier = *Time::parse("2026-11-22T01:00:00Z");
  const Time later = *Time::parse("2026-11-22T03:00:00+01:00");
  EXPECT_LT(earlier, later);
  EXPECT_EQ(*Time::parse("2026-11-22T02:00:00Z"), later);
}

}  // namespace
}  // namespace hvo::k8s
