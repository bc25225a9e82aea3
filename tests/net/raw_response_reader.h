// Reading HTTP/1.1 responses off a raw byte stream, for the tests' hand-written connections
// (plain RawConnection and TlsRawConnection): the connection supplies bytes, this frames them.
#pragma once

#include <cstdlib>
#include <optional>
#include <string>

namespace hvo::net::testing {

// The status line and header fields of the next response in `pending` (with the final CRLF of
// the last field, without the blank line), calling `fill()` for more bytes until the head is
// complete; nullopt when `fill()` reports the end first.
template <class Fill>
std::optional<std::string> read_response_head(std::string& pending, Fill&& fill) {
  std::size_t header_end;
  while ((header_end = pending.find("\r\n\r\n")) == std::string::npos) {
    if (!fill())
      return std::nullopt;
  }
  std::string head = pending.substr(0, header_end + 2);
  pending.erase(0, header_end + 4);
  return head;
}

// "<status line>\n<body>" of the next response, its body framed by Content-Length.
template <class Fill>
std::optional<std::string> read_whole_response(std::string& pending, Fill&& fill) {
  auto head = read_response_head(pending, fill);
  if (!head)
    return std::nullopt;
  std::size_t length = 0;
  for (const char* name : {"Content-Length: ", "content-length: "}) {
    auto at = head->find(name);
    if (at != std::string::npos)
      length = std::strtoul(head->c_str() + at + 16, nullptr, 10);
  }
  while (pending.size() < length) {
    if (!fill())
      return std::nullopt;
  }
  std::string body = pending.substr(0, length);
  pending.erase(0, length);
  return head->substr(0, head->find("\r\n")) + "\n" + body;
}

}  // namespace hvo::net::testing
