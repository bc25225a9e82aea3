// Internal to common/net (includes cpprest): sets a message body from bytes we hold.
#pragma once

#include <cpprest/http_msg.h>

#include <string>
#include <vector>

namespace hvo::net::detail {

// cpprest's set_body(std::string) wraps the string in a container_buffer<std::string> and then
// uses it as a streambuf<uint8_t>, a type pun that UBSan reports as undefined behaviour. A byte
// vector's buffer has the right type. cpprest would default Content-Type to
// application/octet-stream; `default_type` fills the gap instead when the caller set none.
template <typename Message>
void set_body_bytes(Message& message, const std::string& body, const char* default_type) {
  if (!message.headers().has("Content-Type"))
    message.headers().add("Content-Type", default_type);
  message.set_body(std::vector<unsigned char>(body.begin(), body.end()));
}

}  // namespace hvo::net::detail
