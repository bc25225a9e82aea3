// Kubernetes resource quantities ("2Gi", "1536Mi", "500m", "1.5G", "1e3"), following
// apimachinery's resource.Quantity:
//
//   <quantity> ::= <sign>? <digits> [ "." <digits>? ] <suffix>   (or "." <digits>)
//   <suffix>   ::= "" | n u m k M G T P E  (decimal SI)  |  Ki Mi Gi Ti Pi Ei  (binary SI)
//                | ("e" | "E") <sign>? <digits>          (decimal exponent)
//
// The value is kept exactly as whole units plus nanounits, like Kubernetes, which rounds values
// finer than 1n up (away from zero): "0.1n" is 1n. Unlike Kubernetes, which silently caps binary
// quantities at 2^63-1 and keeps larger decimal ones as big decimals, values beyond
// ±9223372036854775807 units are rejected with an error: no resource this operator counts comes
// near that, and a silent cap would hide a typo.
//
// Formatting is Kubernetes' canonical form: the suffix family of the input is kept (binary,
// decimal SI or exponent), no fractional digits, the largest suffix that loses no precision:
// "1.5Gi" → "1536Mi", "1000m" → "1", "1.5" → "1500m", "1e3" → "1e3" (exponent form stays
// exponent form, as in Kubernetes), "1000M" → "1G". Binary values below 1024 or with a fraction
// print in decimal SI ("0.5Ki" → "512").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace hvo::k8s {

class Quantity {
 public:
  // The suffix family a quantity was written in; it decides how it prints.
  enum class Format { kDecimalSI, kBinarySI, kDecimalExponent };

  // Zero.
  Quantity() = default;

  // Parses the text form. Errors read `quantity "2GB": unknown suffix "GB"`.
  static Result<Quantity> parse(std::string_view text);

  // A whole number of units: from_int(8 * 1024 * 1024 * 1024, Format::kBinarySI) prints "8Gi".
  static Quantity from_int(std::int64_t value, Format format = Format::kDecimalSI);
  // Thousandths of a unit, printed in decimal SI: from_milli(1500) prints "1500m".
  static Quantity from_milli(std::int64_t milli);

  // Whole units, rounded away from zero like Quantity.Value(): "1500m" → 2, "-1500m" → -2.
  std::int64_t value() const;
  // Thousandths, rounded away from zero; an error when the result does not fit in 64 bits.
  Result<std::int64_t> milli_value() const;

  Format format() const { return format_; }
  bool is_zero() const { return units_ == 0 && nanos_ == 0; }
  int sign() const;

  // Canonical text form (see above).
  std::string to_string() const;

  // Exact arithmetic; the result keeps this quantity's format (the other's when this is zero,
  // as in Kubernetes). Errors when the result leaves the supported range.
  Result<Quantity> add(const Quantity& other) const;
  Result<Quantity> sub(const Quantity& other) const;
  Quantity negated() const;

  // Numeric comparison: -1, 0 or 1. The format does not take part.
  int compare(const Quantity& other) const;

  friend bool operator==(const Quantity& a, const Quantity& b) { return a.compare(b) == 0; }
  friend bool operator!=(const Quantity& a, const Quantity& b) { return a.compare(b) != 0; }
  friend bool operator<(const Quantity& a, const Quantity& b) { return a.compare(b) < 0; }
  friend bool operator<=(const Quantity& a, const Quantity& b) { return a.compare(b) <= 0; }
  friend bool operator>(const Quantity& a, const Quantity& b) { return a.compare(b) > 0; }
  friend bool operator>=(const Quantity& a, const Quantity& b) { return a.compare(b) >= 0; }

 private:
  Quantity(std::int64_t units, std::int32_t nanos, Format format)
      : units_(units), nanos_(nanos), format_(format) {}

  // value = units_ + nanos_ / 1e9; both carry the same sign, |nanos_| < 1e9,
  // |units_| <= INT64_MAX and nanos_ == 0 when |units_| == INT64_MAX.
  std::int64_t units_ = 0;
  std::int32_t nanos_ = 0;
  Format format_ = Format::kDecimalSI;
};

}  // namespace hvo::k8s
