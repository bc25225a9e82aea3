#include "common/metrics/proc_stat_parser.h"

#include <gtest/gtest.h>

namespace hvo::metrics {
namespace {

// A real line from /proc/self/stat (fields 25+ trimmed to what the kernel always prints).
const char* kStatLine =
    "4242 (hyperv-agent) S 1 4242 4242 0 -1 4194560 1520 0 0 0 37 12 0 0 20 0 9 0 "
    "123456 987654321 2048 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";

TEST(ProcStatParser, ReadsCpuStartMemoryFields) {
  const auto stat = parse_proc_pid_stat(kStatLine);
  ASSERT_TRUE(stat.has_value());
  EXPECT_EQ(stat->utime_ticks, 37u);
  EXPECT_EQ(stat->stime_ticks, 12u);
  EXPECT_EQ(stat->starttime_ticks, 123456u);
  EXPECT_EQ(stat->vsize_bytes, 987654321u);
  EXPECT_EQ(stat->rss_pages, 2048u);
}

TEST(ProcStatParser, CommandNameWithSpacesAndParensDoesNotShiftFields) {
  const auto stat = parse_proc_pid_stat(
      "7 (evil) name (x) 1) R 1 7 7 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 99 4096 3 0 0 0");
  ASSERT_TRUE(stat.has_value());
  EXPECT_EQ(stat->utime_ticks, 5u);
  EXPECT_EQ(stat->stime_ticks, 6u);
  EXPECT_EQ(stat->starttime_ticks, 99u);
  EXPECT_EQ(stat->vsize_bytes, 4096u);
  EXPECT_EQ(stat->rss_pages, 3u);
}

TEST(ProcStatParser, RejectsMalformedLines) {
  for (const char* text : {"", "no parens at all 1 2 3", "1 (short) S 1 2 3",
                           "1 (x) S 1 1 1 0 -1 0 0 0 0 0 -5 6 0 0 20 0 1 0 99 4096 3"}) {
    EXPECT_FALSE(parse_proc_pid_stat(text).has_value()) << "'" << text << "'";
  }
}

TEST(ProcStatParser, FindsBootTime) {
  EXPECT_EQ(parse_boot_time("cpu  1 2 3\nintr 5\nbtime 1763772000\nprocesses 9\n"),
            uint64_t{1763772000});
  EXPECT_FALSE(parse_boot_time("cpu  1 2 3\nbtimex 5\n").has_value());
  EXPECT_FALSE(parse_boot_time("").has_value());
}

}  // namespace
}  // namespace hvo::metrics
