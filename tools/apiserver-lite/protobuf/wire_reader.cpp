#include "tools/apiserver-lite/protobuf/wire_reader.h"

namespace hvo::apiserver::protobuf {

void WireReader::fail(const std::string& what) const {
  throw WireError(what + " at byte " + std::to_string(at_));
}

std::string_view WireReader::take(std::size_t count, const char* what) {
  if (count > bytes_.size() - at_) {
    fail(std::string("truncated ") + what + " (" + std::to_string(count) + " bytes wanted, " +
         std::to_string(bytes_.size() - at_) + " left)");
  }
  const std::string_view taken = bytes_.substr(at_, count);
  at_ += count;
  return taken;
}

std::uint64_t WireReader::varint() {
  std::uint64_t value = 0;
  // At most ten bytes carry 64 bits; the tenth may only hold the top bit.
  for (int shift = 0; shift < 64; shift += 7) {
    if (done())
      fail("truncated varint");
    const auto byte = static_cast<std::uint8_t>(bytes_[at_++]);
    if (shift == 63 && byte > 1)
      fail("varint longer than 64 bits");
    value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0)
      return value;
  }
  fail("varint longer than 64 bits");
}

FieldTag WireReader::tag() {
  const std::uint64_t key = varint();
  const auto type = static_cast<std::uint8_t>(key & 7);
  const std::uint64_t number = key >> 3;
  if (number == 0 || number > 0x1fffffff)
    fail("invalid field number " + std::to_string(number));
  if (type > 5)
    fail("invalid wire type " + std::to_string(type) + " of field " + std::to_string(number));
  return {static_cast<std::uint32_t>(number), static_cast<WireType>(type)};
}

std::uint32_t WireReader::fixed32() {
  const std::string_view raw = take(4, "fixed32");
  std::uint32_t value = 0;
  for (int i = 3; i >= 0; --i)
    value = (value << 8) | static_cast<std::uint8_t>(raw[i]);
  return value;
}

std::uint64_t WireReader::fixed64() {
  const std::string_view raw = take(8, "fixed64");
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i)
    value = (value << 8) | static_cast<std::uint8_t>(raw[i]);
  return value;
}

std::string_view WireReader::length_delimited() {
  const std::uint64_t length = varint();
  if (length > bytes_.size() - at_) {
    fail("truncated length-delimited field (" + std::to_string(length) + " bytes wanted, " +
         std::to_string(bytes_.size() - at_) + " left)");
  }
  return take(static_cast<std::size_t>(length), "length-delimited field");
}

void WireReader::skip(WireType type) {
  switch (type) {
    case WireType::kVarint:
      varint();
      return;
    case WireType::kFixed64:
      fixed64();
      return;
    case WireType::kLengthDelimited:
      length_delimited();
      return;
    case WireType::kFixed32:
      fixed32();
      return;
    case WireType::kStartGroup:
    case WireType::kEndGroup:
      // Groups are proto2's deprecated encoding; no Kubernetes message uses them.
      fail("unsupported group wire type");
  }
  fail("invalid wire type");
}

}  // namespace hvo::apiserver::protobuf
