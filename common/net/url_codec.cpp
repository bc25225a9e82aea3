// Percent-encoding and query strings (RFC 3986 section 2, and the form encoding Go and browsers
// use for queries, where '+' means a space).
#include <string>

#include "common/net/http_types.h"

namespace hvo::net {
namespace {

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

void append_escaped(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += '%';
  out += kHex[c >> 4];
  out += kHex[c & 0x0f];
}

std::string decode(const std::string& text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
               hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string url_encode(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (is_unreserved(c)) {
      out += static_cast<char>(c);
    } else {
      append_escaped(out, c);
    }
  }
  return out;
}

std::string encode_path(const std::string& path) {
  std::string out;
  out.reserve(path.size());
  for (unsigned char c : path) {
    if (is_unreserved(c) || c == '/') {
      out += static_cast<char>(c);
    } else {
      append_escaped(out, c);
    }
  }
  return out;
}

std::string percent_decode(const std::string& text) {
  return decode(text, false);
}

std::string encode_query(const std::map<std::string, std::string>& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty())
      out += '&';
    out += url_encode(name);
    out += '=';
    out += url_encode(value);
  }
  return out;
}

std::map<std::string, std::string> decode_query(const std::string& raw_query) {
  std::map<std::string, std::string> params;
  std::size_t start = 0;
  while (start <= raw_query.size()) {
    std::size_t end = raw_query.find('&', start);
    if (end == std::string::npos)
      end = raw_query.size();
    std::string piece = raw_query.substr(start, end - start);
    if (!piece.empty()) {
      std::size_t equals = piece.find('=');
      std::string name = decode(piece.substr(0, equals), true);
      std::string value =
          equals == std::string::npos ? std::string() : decode(piece.substr(equals + 1), true);
      params[name] = std::move(value);
    }
    start = end + 1;
  }
  return params;
}

}  // namespace hvo::net
