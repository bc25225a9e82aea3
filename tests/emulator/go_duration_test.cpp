#include "tools/apiserver-lite/util/go_duration.h"

#include <gtest/gtest.h>

namespace hvo::apiserver {
namespace {

using std::chrono::milliseconds;

TEST(GoDuration, ParsesKubeFlagValues) {
  EXPECT_EQ(parse_go_duration("5m"), milliseconds(300000));
  EXPECT_EQ(parse_go_duration("1m30s"), milliseconds(90000));
  EXPECT_EQ(parse_go_duration("1.5h"), milliseconds(5400000));
  EXPECT_EQ(parse_go_duration("250ms"), milliseconds(250));
  EXPECT_EQ(parse_go_duration("0"), milliseconds(0));
  EXPECT_EQ(parse_go_duration("0s"), milliseconds(0));
  EXPECT_EQ(parse_go_duration("30"), milliseconds(30000));
}

TEST(GoDuration, RejectsWhatIsNotADuration) {
  for (const char* text : {"", "m", "5x", "-5m", "5m-", "five", "1..2s"})
    EXPECT_FALSE(parse_go_duration(text)) << text;
}

}  // namespace
}  // namespace hvo::apiserver
