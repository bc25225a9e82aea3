#include <string>

#include <gtest/gtest.h>

#include "api/schema/formats.h"

namespace hvo::schema {
namespace {

struct FormatCase {
  std::string format;
  std::string value;
  bool valid;
};

// What gtest prints for a row, and so what ctest names it by: a name, not the bytes.
void PrintTo(const FormatCase& c, std::ostream* os) {
  *os << c.format << " " << ::testing::PrintToString(std::string(c.value));
}

class MatchesFormat : public ::testing::TestWithParam<FormatCase> {};

TEST_P(MatchesFormat, AcceptsValidAndRejectsInvalid) {
  const FormatCase& c = GetParam();
  EXPECT_EQ(matches_format(c.format, c.value), c.valid) << c.format << " " << c.value;
}

INSTANTIATE_TEST_SUITE_P(
    Table, MatchesFormat,
    ::testing::Values(
        FormatCase{"date-time", "2026-11-22T01:02:03Z", true},
        FormatCase{"date-time", "2026-11-22T01:02:03.123456+01:00", true},
        FormatCase{"date-time", "2026-11-22 01:02:03", true},
        FormatCase{"datetime", "2024-02-29T00:00:00Z", true},
        FormatCase{"date-time", "2023-02-29T00:00:00Z", false},
        FormatCase{"date-time", "2026-11-22T25:00:00Z", false},
        FormatCase{"date-time", "2026-11-22", false}, FormatCase{"date-time", "now", false},
        FormatCase{"date", "2026-11-22", true}, FormatCase{"date", "2026-13-01", false},
        FormatCase{"byte", "aGVsbG8=", true}, FormatCase{"byte", "aGVsbG8", false},
        FormatCase{"uuid", "0f8fad5b-d9cb-469f-a165-70867728950e", true},
        FormatCase{"uuid", "0f8fad5b-d9cb-469f-a165", false},
        FormatCase{"uuid4", "0f8fad5b-d9cb-469f-a165-70867728950e", true},
        FormatCase{"uuid4", "0f8fad5b-d9cb-369f-a165-70867728950e", false},
        FormatCase{"ipv4", "10.0.0.1", true}, FormatCase{"ipv4", "10.0.0.256", false},
        FormatCase{"ipv6", "fe80::1", true}, FormatCase{"ipv6", "10.0.0.1", false},
        FormatCase{"cidr", "10.0.0.0/8", true}, FormatCase{"cidr", "fd00::/64", true},
        FormatCase{"cidr", "10.0.0.0/33", false}, FormatCase{"cidr", "10.0.0.0", false},
        FormatCase{"mac", "00:15:5d:01:02:03", true}, FormatCase{"mac", "00:15:5d:01:02", false},
        FormatCase{"hostname", "hv-01.example.net", true},
        FormatCase{"hostname", "-bad.example", false},
        FormatCase{"uri", "https://hv-01:9443/v1", true}, FormatCase{"uri", "not a uri", false},
        FormatCase{"email", "alice@example.com", true}, FormatCase{"email", "alice", false},
        FormatCase{"int32", "anything", true}, FormatCase{"password", "", true}));

}  // namespace
}  // namespace hvo::schema
