#include "api/schema/yaml_scalar.h"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <regex>

namespace hvo::schema {
namespace {

bool is_null_word(const std::string& s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

std::optional<bool> bool_word(const std::string& s) {
  // YAML 1.1 booleans as go-yaml v2 knows them ("the Norway problem": `no` is false).
  static const char* const kTrue[] = {"y",    "Y",    "yes", "Yes", "YES", "true",
                                      "True", "TRUE", "on",  "On",  "ON"};
  static const char* const kFalse[] = {"n",     "N",     "no",  "No",  "NO", "false",
                                       "False", "FALSE", "off", "Off", "OFF"};
  for (const char* word : kTrue) {
    if (s == word)
      return true;
  }
  for (const char* word : kFalse) {
    if (s == word)
      return false;
  }
  return std::nullopt;
}

// Go's strconv.ParseInt/ParseUint with base 0, after go-yaml removed the underscores: an optional
// sign, then 0x / 0o / 0b prefixes or a leading 0 for octal, else decimal. Out of range -> nullopt.
std::optional<nlohmann::json> parse_go_integer(std::string s) {
  std::string digits;
  digits.reserve(s.size());
  for (char c : s) {
    if (c != '_')
      digits.push_back(c);
  }
  bool negative = false;
  size_t pos = 0;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    pos = 1;
  }
  int base = 10;
  if (digits.size() - pos >= 2 && digits[pos] == '0') {
    const char p = digits[pos + 1];
    if (p == 'x' || p == 'X') {
      base = 16, pos += 2;
    } else if (p == 'o' || p == 'O') {
      base = 8, pos += 2;
    } else if (p == 'b' || p == 'B') {
      base = 2, pos += 2;
    } else {
      base = 8, pos += 1;
    }
  }
  if (pos >= digits.size())
    return std::nullopt;
  uint64_t magnitude = 0;
  for (size_t i = pos; i < digits.size(); ++i) {
    const char c = digits[i];
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    if (d >= base)
      return std::nullopt;
    if (magnitude > (std::numeric_limits<uint64_t>::max() - d) / base)
      return std::nullopt;
    magnitude = magnitude * base + d;
  }
  if (!negative) {
    if (magnitude <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return nlohmann::json(static_cast<int64_t>(magnitude));
    }
    return nlohmann::json(magnitude);
  }
  const uint64_t min_magnitude = static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1;
  if (magnitude > min_magnitude)
    return std::nullopt;
  if (magnitude == min_magnitude)
    return nlohmann::json(std::numeric_limits<int64_t>::min());
  return nlohmann::json(-static_cast<int64_t>(magnitude));
}

std::optional<double> special_float(const std::string& s) {
  static const char* const kInf[] = {".inf", ".Inf", ".INF"};
  for (const char* word : kInf) {
    const std::string w = word;
    if (s == w || s == "+" + w)
      return std::numeric_limits<double>::infinity();
    if (s == "-" + w)
      return -std::numeric_limits<double>::infinity();
  }
  if (s == ".nan" || s == ".NaN" || s == ".NAN")
    return std::numeric_limits<double>::quiet_NaN();
  return std::nullopt;
}

// A float whose value is a whole number is written by Go's encoding/json without a fraction
// ("1e3" -> 1000) and read back by the API server as an integer: do the same here.
nlohmann::json float_value(double v) {
  if (std::isfinite(v) && std::trunc(v) == v && std::fabs(v) < 1e21 &&
      v >= static_cast<double>(std::numeric_limits<int64_t>::min()) &&
      v < static_cast<double>(std::numeric_limits<int64_t>::max())) {
    return nlohmann::json(static_cast<int64_t>(v));
  }
  return nlohmann::json(v);
}

}  // namespace

nlohmann::json resolve_plain_scalar(const std::string& text) {
  if (is_null_word(text))
    return nullptr;
  if (auto b = bool_word(text))
    return *b;
  const char first = text[0];
  const bool numeric_start =
      (first >= '0' && first <= '9') || first == '-' || first == '+' || first == '.';
  if (!numeric_start)
    return text;
  if (auto special = special_float(text))
    return *special;
  if (auto integer = parse_go_integer(text))
    return *integer;
  // go-yaml v2's float syntax; anything else that merely starts like a number is a string.
  static const std::regex kFloat(R"(^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$)");
  std::string without_underscores;
  for (char c : text) {
    if (c != '_')
      without_underscores.push_back(c);
  }
  if (std::regex_match(without_underscores, kFloat)) {
    errno = 0;
    const double v = std::strtod(without_underscores.c_str(), nullptr);
    // Go's ParseFloat fails on overflow and go-yaml then keeps the text as a string.
    if (errno == ERANGE && std::isinf(v))
      return text;
    return float_value(v);
  }
  return text;
}

std::string plain_key_to_string(const std::string& text) {
  const nlohmann::json value = resolve_plain_scalar(text);
  if (value.is_string())
    return value.get<std::string>();
  if (value.is_null())
    return "null";
  if (value.is_boolean())
    return value.get<bool>() ? "true" : "false";
  if (value.is_number_float()) {
    const double v = value.get<double>();
    if (std::isnan(v))
      return "NaN";
    if (std::isinf(v))
      return v > 0 ? "+Inf" : "-Inf";
  }
  return value.dump();
}

}  // namespace hvo::schema
