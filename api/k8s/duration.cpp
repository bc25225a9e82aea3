#include "api/k8s/duration.h"

#include <cctype>
#include <cstdint>

namespace hvo::k8s {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  if (text == "0")
    return std::chrono::milliseconds(0);
  if (text.empty())
    return std::nullopt;
  constexpr double kMaxMs = 1e9 * 3600.0 * 1000.0;
  double total_ms = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    // The number: digits, optionally a fraction; at least one digit on either side of the dot.
    double whole = 0;
    std::size_t digits = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      whole = whole * 10 + (text[i] - '0');
      ++i;
      ++digits;
    }
    if (i < text.size() && text[i] == '.') {
      ++i;
      double scale = 0.1;
      while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
        whole += (text[i] - '0') * scale;
        scale /= 10;
        ++i;
        ++digits;
      }
    }
    if (digits == 0 || whole > kMaxMs)
      return std::nullopt;
    // The unit: letters up to the next digit or dot.
    const std::size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i])))
      ++i;
    const std::string_view unit = text.substr(unit_start, i - unit_start);
    double factor = 0;
    if (unit == "h")
      factor = 3600.0 * 1000.0;
    else if (unit == "m")
      factor = 60.0 * 1000.0;
    else if (unit == "s")
      factor = 1000.0;
    else if (unit == "ms")
      factor = 1.0;
    else
      return std::nullopt;
    total_ms += whole * factor;
    if (total_ms > kMaxMs)
      return std::nullopt;
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(total_ms));
}

}  // namespace hvo::k8s
