#include "common/logging/message_fields.h"

#include <gtest/gtest.h>

namespace hvo::logging {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct Case {
  const char* name;
  std::string message;
  std::string event;
  Fields fields;
};

TEST(ParseMessageFields, SplitsEventAndKeyValuePairs) {
  const Case cases[] = {
      {"event only", "leader_elected", "leader_elected", {}},
      {"pairs",
       "watch_restarted resource=virtualmachines resourceVersion=42",
       "watch_restarted",
       {{"resource", "virtualmachines"}, {"resourceVersion", "42"}}},
      {"quoted value with spaces and escapes",
       R"(reconcile_failed vm=default/web-1 error="host \"hv-01\" unreachable" attempt=3)",
       "reconcile_failed",
       {{"vm", "default/web-1"}, {"error", "host \"hv-01\" unreachable"}, {"attempt", "3"}}},
      {"empty value", "x key= other=1", "x", {{"key", ""}, {"other", "1"}}},
      {"free text words skipped", "started in 3 s port=8080", "started", {{"port", "8080"}}},
      {"no event when first word is a pair", "a=1 b=2", "", {{"a", "1"}, {"b", "2"}}},
      {"extra spaces", "  evt   a=1  ", "evt", {{"a", "1"}}},
      {"unterminated quote runs to the end", "evt msg=\"oops", "evt", {{"msg", "oops"}}},
      {"empty", "", "", {}},
  };
  for (const auto& c : cases) {
    auto parsed = parse_message_fields(c.message);
    EXPECT_EQ(parsed.event, c.event) << c.name;
    EXPECT_EQ(parsed.fields, c.fields) << c.name;
  }
}

}  // namespace
}  // namespace hvo::logging
