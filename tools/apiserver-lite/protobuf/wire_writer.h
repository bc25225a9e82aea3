// Writes the protocol buffer wire format: each call appends one field (tag and value).
// Proto3 leaves default values out; callers decide what to write.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hvo::apiserver::protobuf {

class WireWriter {
 public:
  void varint_field(std::uint32_t number, std::uint64_t value);
  void bool_field(std::uint32_t number, bool value) { varint_field(number, value ? 1 : 0); }
  void double_field(std::uint32_t number, double value);
  // A string, bytes or an embedded message already encoded.
  void bytes_field(std::uint32_t number, std::string_view bytes);
  void message_field(std::uint32_t number, const WireWriter& message) {
    bytes_field(number, message.bytes());
  }

  const std::string& bytes() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void tag(std::uint32_t number, std::uint8_t wire_type);
  void varint(std::uint64_t value);

  std::string out_;
};

}  // namespace hvo::apiserver::protobuf
