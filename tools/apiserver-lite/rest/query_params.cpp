#include "tools/apiserver-lite/rest/query_params.h"

#include <strings.h>
#include <cctype>
#include <limits>

#include "tools/apiserver-lite/rest/api_error.h"

namespace hvo::apiserver {

namespace {

// Go's strconv.Quote for the ASCII messages these errors carry.
std::string go_quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[(c >> 4) & 0xf];
      out += hex[c & 0xf];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Go's time unitMap, in nanoseconds.
std::optional<int64_t> unit_nanoseconds(const std::string& unit) {
  if (unit == "ns")
    return 1;
  if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs")  // us, µs (micro sign), μs
    return 1000;
  if (unit == "ms")
    return 1000 * 1000;
  if (unit == "s")
    return int64_t{1000} * 1000 * 1000;
  if (unit == "m")
    return int64_t{60} * 1000 * 1000 * 1000;
  if (unit == "h")
    return int64_t{3600} * 1000 * 1000 * 1000;
  return std::nullopt;
}

}  // namespace

bool parse_query_flag(const std::string& value) {
  return !(value == "0" || strcasecmp(value.c_str(), "false") == 0);
}

std::optional<int64_t> parse_go_int64(const std::string& text, std::string& error) {
  std::size_t at = 0;
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    at = 1;
  }
  if (at == text.size()) {
    error = "strconv.ParseInt: parsing " + go_quote(text) + ": invalid syntax";
    return std::nullopt;
  }
  // Accumulated as a negative number, which has the larger range.
  int64_t value = 0;
  bool overflow = false;
  for (; at < text.size(); ++at) {
    if (!is_digit(text[at])) {
      error = "strconv.ParseInt: parsing " + go_quote(text) + ": invalid syntax";
      return std::nullopt;
    }
    const int digit = text[at] - '0';
    if (value < (std::numeric_limits<int64_t>::min() + digit) / 10)
      overflow = true;
    if (!overflow)
      value = value * 10 - digit;
  }
  if (!negative && value == std::numeric_limits<int64_t>::min())
    overflow = true;
  if (overflow) {
    error = "strconv.ParseInt: parsing " + go_quote(text) + ": value out of range";
    return std::nullopt;
  }
  return negative ? value : -value;
}

std::optional<std::chrono::nanoseconds> parse_go_duration_strict(const std::string& text,
                                                                 std::string& error) {
  const std::string invalid = "time: invalid duration " + go_quote(text);
  std::size_t at = 0;
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    at = 1;
  }
  if (text.substr(at) == "0")
    return std::chrono::nanoseconds(0);
  if (at == text.size()) {
    error = invalid;
    return std::nullopt;
  }
  long double total = 0;
  while (at < text.size()) {
    if (!(text[at] == '.' || is_digit(text[at]))) {
      error = invalid;
      return std::nullopt;
    }
    const std::size_t integer_start = at;
    long double whole = 0;
    while (at < text.size() && is_digit(text[at]))
      whole = whole * 10 + (text[at++] - '0');
    const bool has_integer = at != integer_start;
    long double fraction = 0;
    bool has_fraction = false;
    if (at < text.size() && text[at] == '.') {
      ++at;
      long double scale = 1;
      while (at < text.size() && is_digit(text[at])) {
        scale /= 10;
        fraction += (text[at++] - '0') * scale;
        has_fraction = true;
      }
    }
    if (!has_integer && !has_fraction) {
      error = invalid;
      return std::nullopt;
    }
    const std::size_t unit_start = at;
    while (at < text.size() && !(text[at] == '.' || is_digit(text[at])))
      ++at;
    if (at == unit_start) {
      error = "time: missing unit in duration " + go_quote(text);
      return std::nullopt;
    }
    const std::string unit = text.substr(unit_start, at - unit_start);
    const auto scale = unit_nanoseconds(unit);
    if (!scale) {
      error = "time: unknown unit " + go_quote(unit) + " in duration " + go_quote(text);
      return std::nullopt;
    }
    total += (whole + fraction) * static_cast<long double>(*scale);
    if (total > static_cast<long double>(std::numeric_limits<int64_t>::max())) {
      error = invalid;
      return std::nullopt;
    }
  }
  const auto nanoseconds = static_cast<int64_t>(total);
  return std::chrono::nanoseconds(negative ? -nanoseconds : nanoseconds);
}

QueryParams::QueryParams(const net::HttpRequest& request) {
  if (request.raw_query.empty()) {
    values_ = request.query;  // built in-process (tests): one value per name already
    return;
  }
  std::size_t start = 0;
  while (start <= request.raw_query.size()) {
    std::size_t end = request.raw_query.find('&', start);
    if (end == std::string::npos)
      end = request.raw_query.size();
    const std::string piece = request.raw_query.substr(start, end - start);
    if (!piece.empty()) {
      for (auto& [name, value] : net::decode_query(piece))
        values_.emplace(name, value);  // emplace keeps the first value, as url.Values.Get
    }
    start = end + 1;
  }
}

std::string QueryParams::text(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::string() : it->second;
}

bool QueryParams::flag(const std::string& name) const {
  auto it = values_.find(name);
  return it != values_.end() && parse_query_flag(it->second);
}

std::optional<int64_t> QueryParams::integer(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end())
    return std::nullopt;
  std::string error;
  auto value = parse_go_int64(it->second, error);
  if (!value)
    throw bad_request(error);
  return value;
}

std::optional<std::chrono::nanoseconds> QueryParams::duration(const std::string& name,
                                                              const std::string& context) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty())
    return std::nullopt;
  std::string error;
  auto value = parse_go_duration_strict(it->second, error);
  if (!value)
    throw bad_request(context + " - " + error);
  return value;
}

}  // namespace hvo::apiserver
