#include "common/logging/logging.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

namespace hvo::logging {
namespace {

struct Setting {
  std::string value;
  std::string source;  // where the value came from, for error messages
};

// An explicit value wins, then the environment variable, then the default.
Setting pick(const std::string& explicit_value, const char* env_name, const char* fallback) {
  if (!explicit_value.empty())
    return {explicit_value, "argument"};
  if (const char* env = std::getenv(env_name); env != nullptr && *env != '\0') {
    return {env, env_name};
  }
  return {fallback, "default"};
}

}  // namespace

Result<Format> parse_format(std::string_view text) {
  if (text == "text")
    return Format::kText;
  if (text == "json")
    return Format::kJson;
  return Error(ErrorCode::kInvalidArgument,
               "unknown log format \"" + std::string(text) + "\": want text or json");
}

Result<spdlog::level::level_enum> parse_level(std::string_view text) {
  static constexpr std::pair<std::string_view, spdlog::level::level_enum> kLevels[] = {
      {"trace", spdlog::level::trace},       {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},         {"warn", spdlog::level::warn},
      {"warning", spdlog::level::warn},      {"error", spdlog::level::err},
      {"critical", spdlog::level::critical}, {"off", spdlog::level::off}};
  for (const auto& [name, level] : kLevels) {
    if (text == name)
      return level;
  }
  return Error(ErrorCode::kInvalidArgument,
               "unknown log level \"" + std::string(text) +
                   "\": want trace, debug, info, warn, error, critical or off");
}

Status init(const std::string& format, const std::string& level, const std::string& component) {
  Setting format_setting = pick(format, "HVO_LOG_FORMAT", "text");
  Setting level_setting = pick(level, "HVO_LOG_LEVEL", "info");
  auto parsed_format = parse_format(format_setting.value);
  if (!parsed_format.ok())
    return parsed_format.error().with_context(format_setting.source);
  auto parsed_level = parse_level(level_setting.value);
  if (!parsed_level.ok())
    return parsed_level.error().with_context(level_setting.source);

  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>(component, std::move(sink));
  logger->set_formatter(make_formatter(*parsed_format));
  logger->set_level(*parsed_level);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
  return OkStatus();
}

}  // namespace hvo::logging
