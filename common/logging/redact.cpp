#include "common/logging/redact.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace hvo::logging {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool is_key_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' ||
         c == '/';
}

// Skips a value starting at `pos` (quoted with escapes, or up to the next space).
std::size_t value_end(std::string_view text, std::size_t pos) {
  if (pos < text.size() && text[pos] == '"') {
    ++pos;
    while (pos < text.size() && text[pos] != '"')
      pos += text[pos] == '\\' ? 2 : 1;
    return std::min(pos + 1, text.size());
  }
  while (pos < text.size() && text[pos] != ' ')
    ++pos;
  return pos;
}

// Masks the word after an authorization scheme ("Bearer abc" -> "Bearer <redacted>").
std::string scrub_schemes(std::string text) {
  for (std::string_view scheme : {"Bearer ", "bearer ", "Basic ", "basic "}) {
    std::size_t at = 0;
    while ((at = text.find(scheme, at)) != std::string::npos) {
      std::size_t start = at + scheme.size();
      std::size_t end = start;
      while (end < text.size() && text[end] != ' ' && text[end] != '"' && text[end] != ',')
        ++end;
      if (end > start)
        text.replace(start, end - start, kRedacted);
      at = start + (end > start ? kRedacted.size() : 0);
    }
  }
  return text;
}

}  // namespace

bool is_sensitive_key(std::string_view key) {
  // Compared without case and separators, so clientKeyData, client-key-data and
  // client_key_data are one key.
  static constexpr std::array<std::string_view, 11> kMarkers = {
      "token",      "password",   "passwd", "secret",  "authorization", "cookie",
      "credential", "privatekey", "keypem", "keydata", "clientkey"};
  std::string normalized = lower(key);
  normalized.erase(std::remove_if(normalized.begin(), normalized.end(),
                                  [](char c) { return c == '_' || c == '-' || c == '.'; }),
                   normalized.end());
  return std::any_of(kMarkers.begin(), kMarkers.end(), [&](std::string_view marker) {
    return normalized.find(marker) != std::string::npos;
  });
}

std::string redact(std::string_view key, std::string_view value) {
  return is_sensitive_key(key) ? std::string(kRedacted) : std::string(value);
}

std::string scrub_message(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  std::size_t pos = 0;
  while (pos < message.size()) {
    std::size_t key_start = pos;
    while (pos < message.size() && is_key_char(message[pos]))
      ++pos;
    bool at_word_start = key_start == 0 || message[key_start - 1] == ' ';
    if (pos > key_start && pos < message.size() && message[pos] == '=' && at_word_start &&
        is_sensitive_key(message.substr(key_start, pos - key_start))) {
      out.append(message.substr(key_start, pos - key_start + 1));
      out.append(kRedacted);
      pos = value_end(message, pos + 1);
      continue;
    }
    if (pos == key_start)
      ++pos;  // not a key character: copy it and go on
    out.append(message.substr(key_start, pos - key_start));
  }
  return scrub_schemes(std::move(out));
}

}  // namespace hvo::logging
