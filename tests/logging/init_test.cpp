#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

#include "common/logging/logging.h"

namespace hvo::logging {
namespace {

TEST(ParseLevel, AcceptsEveryLevelName) {
  const std::pair<const char*, spdlog::level::level_enum> cases[] = {
      {"trace", spdlog::level::trace},       {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},         {"warn", spdlog::level::warn},
      {"warning", spdlog::level::warn},      {"error", spdlog::level::err},
      {"critical", spdlog::level::critical}, {"off", spdlog::level::off}};
  for (const auto& [name, level] : cases) {
    auto parsed = parse_level(name);
    ASSERT_TRUE(parsed.ok()) << name;
    EXPECT_EQ(*parsed, level) << name;
  }
}

TEST(ParseLevel, RejectsUnknownNamesListingTheChoices) {
  for (const char* name : {"", "INFO", "verbose", "5"}) {
    auto parsed = parse_level(name);
    ASSERT_FALSE(parsed.ok()) << name;
    EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(parsed.error().message().find("trace, debug, info"), std::string::npos);
  }
}

TEST(ParseFormat, AcceptsTextAndJsonOnly) {
  EXPECT_EQ(*parse_format("text"), Format::kText);
  EXPECT_EQ(*parse_format("json"), Format::kJson);
  auto bad = parse_format("xml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("\"xml\""), std::string::npos);
}

// Sets environment variables for one test and restores them after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name))
      old_ = old;
    ::setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(Init, InstallsTheDefaultLoggerWithTheGivenLevelAndName) {
  ASSERT_TRUE(init("json", "debug", "operator").ok());
  EXPECT_EQ(spdlog::default_logger()->name(), "operator");
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::debug);
}

TEST(Init, TakesFormatAndLevelFromTheEnvironmentWhenNotGiven) {
  ScopedEnv format("HVO_LOG_FORMAT", "json");
  ScopedEnv level("HVO_LOG_LEVEL", "error");
  ASSERT_TRUE(init().ok());
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::err);
  // An explicit argument wins over the environment.
  ASSERT_TRUE(init("", "trace").ok());
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::trace);
}

TEST(Init, RejectsUnknownValuesNamingTheirSourceAndKeepsTheLogger) {
  ASSERT_TRUE(init("text", "info", "before").ok());
  {
    ScopedEnv level("HVO_LOG_LEVEL", "loud");
    Status status = init("text", "");
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(status.error().message().find("HVO_LOG_LEVEL"), std::string::npos)
        << status.error().message();
    EXPECT_NE(status.error().message().find("\"loud\""), std::string::npos);
  }
  Status bad_format = init("yaml", "info");
  ASSERT_FALSE(bad_format.ok());
  EXPECT_NE(bad_format.error().message().find("argument"), std::string::npos);
  EXPECT_EQ(spdlog::default_logger()->name(), "before");
}

}  // namespace
}  // namespace hvo::logging
