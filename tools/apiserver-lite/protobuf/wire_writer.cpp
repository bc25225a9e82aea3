#include "tools/apiserver-lite/protobuf/wire_writer.h"

#include <cstring>

namespace hvo::apiserver::protobuf {

void WireWriter::varint(std::uint64_t value) {
  while (value >= 0x80) {
    out_.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out_.push_back(static_cast<char>(value));
}

void WireWriter::tag(std::uint32_t number, std::uint8_t wire_type) {
  varint((static_cast<std::uint64_t>(number) << 3) | wire_type);
}

void WireWriter::varint_field(std::uint32_t number, std::uint64_t value) {
  tag(number, 0);
  varint(value);
}

void WireWriter::double_field(std::uint32_t number, double value) {
  tag(number, 1);
  std::uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  for (int i = 0; i < 8; ++i)
    out_.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));  // little-endian
}

void WireWriter::bytes_field(std::uint32_t number, std::string_view bytes) {
  tag(number, 2);
  varint(bytes.size());
  out_.append(bytes.data(), bytes.size());
}

}  // namespace hvo::apiserver::protobuf
