// The two line formats of logging.h. Both are spdlog formatters, so spdlog keeps doing the
// threading and the sinks; they only decide the bytes of a line.
#include <spdlog/details/log_msg.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <ctime>

#include "common/logging/logging.h"
#include "common/logging/message_fields.h"
#include "common/logging/redact.h"

namespace hvo::logging {
namespace {

// RFC 3339 in UTC with milliseconds: 2026-11-22T01:59:05.123Z
std::string timestamp(spdlog::log_clock::time_point time) {
  auto since_epoch = time.time_since_epoch();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds);
  std::time_t whole = static_cast<std::time_t>(seconds.count());
  std::tm utc{};
#ifdef _WIN32
  gmtime_s(&utc, &whole);  // the Windows CRT's thread-safe form; it has no gmtime_r
#else
  gmtime_r(&whole, &utc);
#endif
  char text[32];
  std::size_t length = std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + length, sizeof(text) - length, ".%03dZ", static_cast<int>(millis.count()));
  return text;
}

std::string_view level_name(spdlog::level::level_enum level) {
  auto name = spdlog::level::to_string_view(level);
  return std::string_view(name.data(), name.size());
}

void append(spdlog::memory_buf_t& dest, std::string_view text) {
  dest.append(text.data(), text.data() + text.size());
}

class TextFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string line = timestamp(msg.time);
    line += ' ';
    std::string_view level = level_name(msg.level);
    line += level;
    line.append(level.size() < 5 ? 6 - level.size() : 1, ' ');  // align messages
    line.append(msg.logger_name.data(), msg.logger_name.size());
    line += ' ';
    line += scrub_message(std::string_view(msg.payload.data(), msg.payload.size()));
    line += '\n';
    append(dest, line);
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<TextFormatter>();
  }
};

class JsonFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string message = scrub_message(std::string_view(msg.payload.data(), msg.payload.size()));
    nlohmann::ordered_json line;
    line["ts"] = timestamp(msg.time);
    line["level"] = level_name(msg.level);
    line["logger"] = std::string(msg.logger_name.data(), msg.logger_name.size());
    line["msg"] = message;
    MessageFields parsed = parse_message_fields(message);
    if (!parsed.event.empty())
      line["event"] = parsed.event;
    for (auto& [key, value] : parsed.fields) {
      // A field never overwrites the envelope: "level=3" in a message becomes "_level".
      std::string name = line.contains(key) ? "_" + key : key;
      line[name] = std::move(value);
    }
    // Invalid UTF-8 (a raw byte from a peer) is replaced rather than throwing.
    append(dest, line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    append(dest, "\n");
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

}  // namespace

std::unique_ptr<spdlog::formatter> make_formatter(Format format) {
  if (format == Format::kJson)
    return std::make_unique<JsonFormatter>();
  return std::make_unique<TextFormatter>();
}

}  // namespace hvo::logging
