// Query parameters read the way apimachinery's parameter codec reads them into ListOptions,
// GetOptions, PatchOptions, DeleteOptions (url.Values converted field by field):
// - the first value of a repeated parameter counts (Go's url.Values);
// - a boolean is false only when absent, "0" or case-insensitively "false"; anything else,
//   the empty value included ("?watch", "watch=True"), is true;
// - an integer is strconv.ParseInt base 10; garbage is 400 with Go's message
//   (`strconv.ParseInt: parsing "ten": invalid syntax`);
// - a duration ("timeout") is time.ParseDuration.
// One parser for every handler, so `watch=True` means the same to the router, the audit log
// and the watch handler.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "common/net/http_types.h"

namespace hvo::apiserver {

class QueryParams {
 public:
  explicit QueryParams(const net::HttpRequest& request);

  bool has(const std::string& name) const { return values_.count(name) != 0; }
  // The value, "" when absent.
  std::string text(const std::string& name) const;
  // Absent, "0" and "false" (any case) are false.
  bool flag(const std::string& name) const;
  // nullopt when absent; throws ApiError 400 when not a base-10 int64.
  std::optional<int64_t> integer(const std::string& name) const;
  // nullopt when absent; throws ApiError 400 (with `context` before Go's message) when
  // time.ParseDuration would refuse it.
  std::optional<std::chrono::nanoseconds> duration(const std::string& name,
                                                   const std::string& context) const;

 private:
  std::map<std::string, std::string> values_;
};

// apimachinery's boolean conversion of one query value (present).
bool parse_query_flag(const std::string& value);

// strconv.ParseInt(text, 10, 64); on failure nullopt and `error` set to Go's message.
std::optional<int64_t> parse_go_int64(const std::string& text, std::string& error);

// time.ParseDuration; on failure nullopt and `error` set to Go's message
// (`time: invalid duration "abc"`, `time: missing unit in duration "5"`,
// `time: unknown unit "d" in duration "5d"`).
std::optional<std::chrono::nanoseconds> parse_go_duration_strict(const std::string& text,
                                                                 std::string& error);

}  // namespace hvo::apiserver
