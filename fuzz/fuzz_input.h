// Splits one fuzz input into the several values a target needs, the same way in the libFuzzer
// build and in the replay driver (clang's FuzzedDataProvider is not available to gcc builds).
// Seeds stay readable: parts are separated by a byte the target names, usually '\0' or '\n'.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hvo::fuzz {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, std::size_t size)
      : rest_(reinterpret_cast<const char*>(data), size) {}

  bool empty() const { return rest_.empty(); }

  // The first byte (0 when none is left), consumed.
  uint8_t take_byte() {
    if (rest_.empty())
      return 0;
    const auto byte = static_cast<uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return byte;
  }

  // Everything up to the next `separator` (not included), consumed with the separator; the whole
  // rest when there is none.
  std::string_view take_until(char separator) {
    const auto at = rest_.find(separator);
    const std::string_view part = rest_.substr(0, at);
    rest_.remove_prefix(at == std::string_view::npos ? rest_.size() : at + 1);
    return part;
  }

  std::string_view rest() {
    const std::string_view all = rest_;
    rest_ = {};
    return all;
  }

 private:
  std::string_view rest_;
};

// Stops the run with a message when a property every input must keep does not hold: libFuzzer
// reports the abort as a crash with the input, the replay driver exits non-zero.
[[noreturn]] void property_failed(const char* target, const std::string& what);

}  // namespace hvo::fuzz

#define HVO_FUZZ_CHECK(target, condition, what)       \
  do {                                                \
    if (!(condition))                                 \
      ::hvo::fuzz::property_failed((target), (what)); \
  } while (false)
