#include "operator/base64.h"

#include <cctype>
#include <cstdint>

namespace hvo::kube {
namespace {

int sextet(char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

}  // namespace

std::optional<std::string> base64_decode(std::string_view text) {
  std::string compact;
  compact.reserve(text.size());
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c)))
      compact.push_back(c);
  }
  if (compact.size() % 4 != 0)
    return std::nullopt;

  std::string out;
  out.reserve(compact.size() / 4 * 3);
  for (std::size_t i = 0; i < compact.size(); i += 4) {
    const bool last_group = i + 4 == compact.size();
    int padding = 0;
    uint32_t group = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      const char c = compact[i + j];
      if (c == '=') {
        // Padding only at the end of the last group, and at most two characters of it.
        if (!last_group || j < 2)
          return std::nullopt;
        ++padding;
        group <<= 6;
        continue;
      }
      const int value = sextet(c);
      if (value < 0 || padding > 0)
        return std::nullopt;
      group = (group << 6) | static_cast<uint32_t>(value);
    }
    out.push_back(static_cast<char>((group >> 16) & 0xFF));
    if (padding < 2)
      out.push_back(static_cast<char>((group >> 8) & 0xFF));
    if (padding < 1)
      out.push_back(static_cast<char>(group & 0xFF));
  }
  return out;
}

}  // namespace hvo::kube
