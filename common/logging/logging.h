// Process-wide logging setup: spdlog's default logger writing one line per event to stderr, as
// text for people or JSON for log pipelines. Call init() once at the start of main(); code then
// logs with spdlog::info("event_name key=value ...") as docs/development.md describes.
#pragma once

#include <spdlog/common.h>
#include <spdlog/formatter.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace hvo::logging {

enum class Format { kText, kJson };

// "text" or "json". kInvalidArgument names the value and the choices.
Result<Format> parse_format(std::string_view text);
// "trace", "debug", "info", "warn" (or "warning"), "error", "critical", "off".
Result<spdlog::level::level_enum> parse_level(std::string_view text);

// Installs the default logger named `component` at `level` in `format`. An empty format or level
// is taken from HVO_LOG_FORMAT / HVO_LOG_LEVEL, else "text" / "info"; so command-line flags,
// when given, win over the environment. kInvalidArgument says which value was wrong and where
// it came from; the logger is then left as it was.
Status init(const std::string& format = "", const std::string& level = "",
            const std::string& component = "hvo");

// The formatter init() installs, for sinks of one's own (and tests):
//   text: 2026-11-22T01:59:05.123Z info  operator watch_restarted resource=vms
//   json: {"ts":"2026-11-22T01:59:05.123Z","level":"info","logger":"operator",
//          "msg":"watch_restarted resource=vms","event":"watch_restarted","resource":"vms"}
// Both mask the values of secret-looking keys in the message (see redact.h).
std::unique_ptr<spdlog::formatter> make_formatter(Format format);

}  // namespace hvo::logging
