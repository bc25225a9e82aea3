#include "tools/apiserver-lite/util/go_duration.h"

#include <cctype>
#include <cstdlib>

namespace hvo::apiserver {

std::optional<std::chrono::milliseconds> parse_go_duration(const std::string& text) {
  if (text.empty())
    return std::nullopt;
  if (text == "0")
    return std::chrono::milliseconds(0);
  const auto is_number_char = [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '.';
  };
  bool all_number = true;
  for (char c : text)
    all_number = all_number && is_number_char(c);
  if (all_number) {
    char* end = nullptr;
    const double seconds = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size())
      return std::nullopt;
    return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  }
  double total_ms = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t number_end = at;
    while (number_end < text.size() && is_number_char(text[number_end]))
      ++number_end;
    if (number_end == at)
      return std::nullopt;
    char* end = nullptr;
    const std::string number = text.substr(at, number_end - at);
    const double value = std::strtod(number.c_str(), &end);
    if (end != number.c_str() + number.size())
      return std::nullopt;
    std::size_t unit_end = number_end;
    while (unit_end < text.size() && std::isalpha(static_cast<unsigned char>(text[unit_end])))
      ++unit_end;
    const std::string unit = text.substr(number_end, unit_end - number_end);
    double scale = 0;
    if (unit == "ms")
      scale = 1;
    else if (unit == "s")
      scale = 1000;
    else if (unit == "m")
      scale = 60 * 1000;
    else if (unit == "h")
      scale = 3600 * 1000;
    else
      return std::nullopt;  // also "us", "ns": finer than anything these flags need
    total_ms += value * scale;
    at = unit_end;
  }
  return std::chrono::milliseconds(static_cast<int64_t>(total_ms));
}

}  // namespace hvo::apiserver
