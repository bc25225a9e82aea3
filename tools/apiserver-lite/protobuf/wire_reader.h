// Reads the protocol buffer wire format (varints, length-delimited, fixed32/64) from a byte
// string, one field at a time. Malformed input throws WireError naming what broke and where;
// nothing here reads past the end of the input.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace hvo::apiserver::protobuf {

enum class WireType : std::uint8_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5,
};

// Malformed protobuf: a truncated varint or field, a length past the end, a bad wire type.
class WireError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct FieldTag {
  std::uint32_t number = 0;
  WireType wire_type = WireType::kVarint;
};

class WireReader {
 public:
  explicit WireReader(std::string_view bytes) : bytes_(bytes) {}

  bool done() const { return at_ == bytes_.size(); }
  std::size_t offset() const { return at_; }

  // The next field's number and wire type (field number 0 and wire types 6/7 are malformed).
  FieldTag tag();
  std::uint64_t varint();
  std::uint32_t fixed32();
  std::uint64_t fixed64();
  // The payload of a length-delimited field (a view into the input).
  std::string_view length_delimited();
  // Steps over the value of a field this reader's caller does not know.
  void skip(WireType type);

 private:
  [[noreturn]] void fail(const std::string& what) const;
  std::string_view take(std::size_t count, const char* what);

  std::string_view bytes_;
  std::size_t at_ = 0;
};

}  // namespace hvo::apiserver::protobuf
