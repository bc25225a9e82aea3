#include "common/logging/message_fields.h"

namespace hvo::logging {
namespace {

bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-' || c == '/';
}

// Reads a quoted value starting at text[pos] == '"'; leaves pos after the closing quote.
std::string read_quoted(std::string_view text, std::size_t& pos) {
  std::string value;
  ++pos;  // opening quote
  while (pos < text.size() && text[pos] != '"') {
    if (text[pos] == '\\' && pos + 1 < text.size())
      ++pos;
    value += text[pos++];
  }
  if (pos < text.size())
    ++pos;  // closing quote
  return value;
}

void skip_spaces(std::string_view text, std::size_t& pos) {
  while (pos < text.size() && text[pos] == ' ')
    ++pos;
}

void skip_word(std::string_view text, std::size_t& pos) {
  while (pos < text.size() && text[pos] != ' ')
    ++pos;
}

}  // namespace

MessageFields parse_message_fields(std::string_view message) {
  MessageFields out;
  std::size_t pos = 0;
  bool first = true;
  while (true) {
    skip_spaces(message, pos);
    if (pos >= message.size())
      break;
    std::size_t key_start = pos;
    while (pos < message.size() && is_key_char(message[pos]))
      ++pos;
    bool is_pair = pos > key_start && pos < message.size() && message[pos] == '=';
    if (!is_pair) {
      pos = key_start;
      skip_word(message, pos);
      if (first)
        out.event = std::string(message.substr(key_start, pos - key_start));
      first = false;
      continue;
    }
    first = false;
    std::string key(message.substr(key_start, pos - key_start));
    ++pos;  // '='
    std::string value;
    if (pos < message.size() && message[pos] == '"') {
      value = read_quoted(message, pos);
    } else {
      std::size_t value_start = pos;
      skip_word(message, pos);
      value = std::string(message.substr(value_start, pos - value_start));
    }
    out.fields.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

}  // namespace hvo::logging
