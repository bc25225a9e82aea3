// Quantity arithmetic, comparison and canonical formatting. Parsing is in quantity_parse.cpp.
#include <cassert>
#include <cstdlib>
#include <limits>
#include <optional>

#include "api/k8s/quantity.h"

namespace hvo::k8s {
namespace {

constexpr std::int32_t kNanosPerUnit = 1'000'000'000;
constexpr std::int64_t kMaxUnits = std::numeric_limits<std::int64_t>::max();

std::optional<std::int64_t> checked_add(std::int64_t a, std::int64_t b) {
  if ((b > 0 && a > kMaxUnits - b) || (b < 0 && a < std::numeric_limits<std::int64_t>::min() - b)) {
    return std::nullopt;
  }
  return a + b;
}

std::optional<std::int64_t> checked_times_1000(std::int64_t a) {
  if (a > kMaxUnits / 1000 || a < -(kMaxUnits / 1000))
    return std::nullopt;
  return a * 1000;
}

// Suffix of a power of ten that is a multiple of 3 in [-9, 18].
const char* decimal_si_suffix(int exponent) {
  static constexpr const char* kSuffixes[] = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
  return kSuffixes[(exponent + 9) / 3];
}

const char* binary_si_suffix(int power_of_1024) {
  static constexpr const char* kSuffixes[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  return kSuffixes[power_of_1024];
}

}  // namespace

Quantity Quantity::from_int(std::int64_t value, Format format) {
  assert(value != std::numeric_limits<std::int64_t>::min() && "outside the quantity range");
  return Quantity(value, 0, format);
}

Quantity Quantity::from_milli(std::int64_t milli) {
  return Quantity(milli / 1000, static_cast<std::int32_t>(milli % 1000) * 1'000'000,
                  Format::kDecimalSI);
}

int Quantity::sign() const {
  if (units_ != 0)
    return units_ > 0 ? 1 : -1;
  if (nanos_ != 0)
    return nanos_ > 0 ? 1 : -1;
  return 0;
}

std::int64_t Quantity::value() const {
  // |units_| == INT64_MAX implies nanos_ == 0, so this never overflows.
  return nanos_ == 0 ? units_ : units_ + sign();
}

Result<std::int64_t> Quantity::milli_value() const {
  const std::int32_t micro_rest = nanos_ % 1'000'000;
  const std::int64_t milli_of_nanos = nanos_ / 1'000'000 + (micro_rest == 0 ? 0 : sign());
  const auto scaled = checked_times_1000(units_);
  const auto total = scaled ? checked_add(*scaled, milli_of_nanos) : std::nullopt;
  if (!total) {
    return Error(ErrorCode::kInvalidArgument,
                 "quantity \"" + to_string() + "\": too large to count in thousandths");
  }
  return *total;
}

Quantity Quantity::negated() const {
  return Quantity(-units_, -nanos_, format_);
}

int Quantity::compare(const Quantity& other) const {
  if (units_ != other.units_)
    return units_ < other.units_ ? -1 : 1;
  if (nanos_ != other.nanos_)
    return nanos_ < other.nanos_ ? -1 : 1;
  return 0;
}

Result<Quantity> Quantity::add(const Quantity& other) const {
  const Format format = is_zero() ? other.format_ : format_;
  auto units = checked_add(units_, other.units_);
  std::int32_t nanos = nanos_ + other.nanos_;  // |nanos| < 2e9 fits in int32
  // Carry so that units and nanos share one sign and |nanos| < 1e9.
  std::int64_t carry = 0;
  if (nanos >= kNanosPerUnit) {
    nanos -= kNanosPerUnit;
    carry = 1;
  } else if (nanos <= -kNanosPerUnit) {
    nanos += kNanosPerUnit;
    carry = -1;
  }
  if (units)
    units = checked_add(*units, carry);
  if (units && *units > 0 && nanos < 0) {
    *units -= 1;
    nanos += kNanosPerUnit;
  } else if (units && *units < 0 && nanos > 0) {
    *units += 1;
    nanos -= kNanosPerUnit;
  }
  const bool in_range = units && *units != std::numeric_limits<std::int64_t>::min() &&
                        (std::llabs(*units) != kMaxUnits || nanos == 0);
  if (!in_range) {
    return Error(ErrorCode::kInvalidArgument, "quantity arithmetic " + to_string() + " + " +
                                                  other.to_string() + ": result out of range");
  }
  return Quantity(*units, nanos, format);
}

Result<Quantity> Quantity::sub(const Quantity& other) const {
  return add(other.negated());
}

std::string Quantity::to_string() const {
  if (is_zero())
    return "0";
  const std::string sign_text = sign() < 0 ? "-" : "";
  std::uint64_t units = static_cast<std::uint64_t>(std::llabs(units_));
  const std::int32_t nanos = std::abs(nanos_);

  if (format_ == Format::kBinarySI && nanos == 0 && units >= 1024) {
    int power = 0;
    while (units >= 1024 && units % 1024 == 0 && power < 6) {
      units /= 1024;
      ++power;
    }
    return sign_text + std::to_string(units) + binary_si_suffix(power);
  }

  // Mantissa digits × 10^exponent with the exponent a multiple of 3 and as large as possible.
  std::string nano_digits = std::to_string(nanos);
  nano_digits.insert(0, 9 - nano_digits.size(), '0');
  std::string digits = (units == 0 ? std::string() : std::to_string(units)) + nano_digits;
  digits.erase(0, digits.find_first_not_of('0'));
  int exponent = -9;
  while (digits.back() == '0') {
    digits.pop_back();
    ++exponent;
  }
  while (exponent % 3 != 0) {
    digits.push_back('0');
    --exponent;
  }
  if (format_ == Format::kDecimalExponent) {
    return sign_text + digits + (exponent == 0 ? "" : "e" + std::to_string(exponent));
  }
  return sign_text + digits + decimal_si_suffix(exponent);
}

}  // namespace hvo::k8s
