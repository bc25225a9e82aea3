// The platform-independent pieces: environment merging, PATH lookup, Windows argv quoting.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "common/process/deadline.h"
#include "common/process/environment.h"
#include "common/process/executable_path.h"
#include "common/process/windows_command_line.h"
#include "tests/runtime/temp_dir.h"

namespace hvo::process {
namespace {

using hvo::kube::testing::TempDir;

TEST(Deadline, NoTimeoutNeverExpiresAndZeroHasExpired) {
  const Deadline forever(std::chrono::milliseconds::max());
  EXPECT_FALSE(forever.expired());
  EXPECT_EQ(forever.poll_timeout_ms(), -1);
  EXPECT_EQ(forever.remaining(), std::chrono::milliseconds::max());

  const Deadline now(std::chrono::milliseconds(0));
  EXPECT_TRUE(now.expired());
  EXPECT_EQ(now.poll_timeout_ms(), 0);

  const Deadline later(std::chrono::hours(1));
  EXPECT_FALSE(later.expired());
  EXPECT_GT(later.poll_timeout_ms(), 0);
  EXPECT_LE(later.remaining(), std::chrono::hours(1));
}

TEST(Environment, OverridesReplaceAndAdditionsAppendSortedByName) {
  const auto merged = merge_environment({"PATH=/bin", "HOME=/root", "LANG=C"},
                                        {{"HOME", "/home/agent"}, {"HVO_MODE", "sim"}}, false);
  EXPECT_EQ(merged,
            (std::vector<std::string>{"HOME=/home/agent", "HVO_MODE=sim", "LANG=C", "PATH=/bin"}));
}

TEST(Environment, NamesCompareByCaseOnlyWhereThePlatformDoes) {
  EXPECT_EQ(merge_environment({"Path=C:\\Windows"}, {{"PATH", "C:\\tools"}}, true),
            (std::vector<std::string>{"PATH=C:\\tools"}));
  EXPECT_EQ(merge_environment({"Path=/a"}, {{"PATH", "/b"}}, false),
            (std::vector<std::string>{"PATH=/b", "Path=/a"}));
}

TEST(Environment, KeepsWindowsDriveEntriesAndValuesWithEquals) {
  const auto merged = merge_environment({"=C:=C:\\work", "OPTS=a=b"}, {}, true);
  EXPECT_EQ(merged, (std::vector<std::string>{"=C:=C:\\work", "OPTS=a=b"}));
  EXPECT_EQ(environment_value(merged, "opts", true), "a=b");
  EXPECT_EQ(environment_value(merged, "opts", false), "");
  EXPECT_EQ(environment_value({"BROKEN"}, "BROKEN", false), "");
}

TEST(ExecutablePath, FindsProgramsOnThePathInOrder) {
  TempDir first;
  TempDir second;
  const std::string shadow = second.write("tool", "#!/bin/sh\n");
  chmod(shadow.c_str(), 0755);
  const std::string not_executable = first.write("tool", "data");
  chmod(not_executable.c_str(), 0644);
  std::filesystem::create_directory(first.path() / "dir-not-file");

  const std::string path = first.path().string() + "::" + second.path().string();
  EXPECT_EQ(find_executable_in("tool", path), shadow) << "non-executable file skipped";
  EXPECT_EQ(find_executable_in("dir-not-file", path), std::nullopt);
  EXPECT_EQ(find_executable_in("missing", path), std::nullopt);
  EXPECT_EQ(find_executable_in("", path), std::nullopt);
  EXPECT_EQ(find_executable_in(shadow, ""), shadow) << "a path is not searched";
  EXPECT_EQ(find_executable_in(not_executable, ""), std::nullopt);
}

TEST(ExecutablePath, EmptyPathEntriesDoNotMeanTheCurrentDirectory) {
  TempDir dir;
  const std::string tool = dir.write("only-here", "#!/bin/sh\n");
  chmod(tool.c_str(), 0755);
  const auto old_cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  const auto found = find_executable_in("only-here", ":/nonexistent:");
  std::filesystem::current_path(old_cwd);
  EXPECT_EQ(found, std::nullopt);
}

TEST(ExecutablePath, UsesThisProcessPath) {
  const auto sh = find_executable("sh");
  ASSERT_TRUE(sh.has_value());
  EXPECT_EQ(sh->front(), '/');
}

TEST(WindowsCommandLine, QuotesSoCommandLineToArgvSplitsBackExactly) {
  const struct {
    std::string argument;
    std::string quoted;
  } cases[] = {
      {"plain", "plain"},
      {"", "\"\""},
      {"two words", "\"two words\""},
      {"tab\there", "\"tab\there\""},
      {R"(say "hi")", R"("say \"hi\"")"},
      {R"(C:\Program Files\)", R"("C:\Program Files\\")"},
      {R"(C:\no\spaces\)", R"(C:\no\spaces\)"},
      {R"(a\"b)", R"("a\\\"b")"},
      {R"(\\server\share dir)", R"("\\server\share dir")"},
      {"$(Remove-VM) ; `whoami`", "\"$(Remove-VM) ; `whoami`\""},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(quote_windows_argument(c.argument), c.quoted) << c.argument;
  }
  EXPECT_EQ(windows_command_line({"pwsh.exe", "-File", "C:\\a b\\w.ps1", ""}),
            "pwsh.exe -File \"C:\\a b\\w.ps1\" \"\"");
}

}  // namespace
}  // namespace hvo::process
