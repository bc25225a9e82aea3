#include "operator/token_source.h"

#include <gtest/gtest.h>

#include "tests/runtime/fake_clock.h"
#include "tests/runtime/temp_dir.h"

namespace hvo::kube {
namespace {

using testing::FakeClock;
using testing::TempDir;

TEST(FileTokenSource, RereadsTheFileAfterTheRefreshPeriod) {
  TempDir dir;
  FakeClock clock;
  const std::string path = dir.write("token", "first\n");
  FileTokenSource source(path, clock, std::chrono::seconds(60));
  ASSERT_EQ(source.token().value(), "first");

  dir.write("token", "second");
  clock.advance(std::chrono::seconds(59));
  EXPECT_EQ(source.token().value(), "first");
  clock.advance(std::chrono::seconds(1));
  EXPECT_EQ(source.token().value(), "second");
}

TEST(FileTokenSource, RereadsAtOnceAfterInvalidate) {
  TempDir dir;
  FakeClock clock;
  const std::string path = dir.write("token", "old");
  FileTokenSource source(path, clock);
  ASSERT_EQ(source.token().value(), "old");
  dir.write("token", "rotated");
  source.invalidate();
  EXPECT_EQ(source.token().value(), "rotated");
}

TEST(FileTokenSource, KeepsThePreviousTokenWhenTheFileVanishes) {
  TempDir dir;
  FakeClock clock;
  const std::string path = dir.write("token", "kept");
  FileTokenSource source(path, clock);
  ASSERT_EQ(source.token().value(), "kept");
  std::filesystem::remove(path);
  source.invalidate();
  EXPECT_EQ(source.token().value(), "kept");
}

TEST(FileTokenSource, FailsWithThePathWhenNeverReadable) {
  FakeClock clock;
  FileTokenSource source("/nonexistent/token", clock);
  auto token = source.token();
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_NE(token.error().message().find("/nonexistent/token"), std::string::npos);
}

TEST(MakeTokenSource, PrefersTheRotatingFile) {
  TempDir dir;
  FakeClock clock;
  ClientConfig config;
  config.token = "static";
  EXPECT_EQ(make_token_source(config, clock)->token().value(), "static");
  config.token_file = dir.write("token", "from-file");
  EXPECT_EQ(make_token_source(config, clock)->token().value(), "from-file");
  EXPECT_EQ(make_token_source(ClientConfig{}, clock), nullptr);
}

}  // namespace
}  // namespace hvo::kube
