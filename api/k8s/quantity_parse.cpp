// Quantity::parse: text → exact units + nanounits. The digits are handled as a decimal string so
// any spelling ("0.000000000001Ki", "1e-1000", "000123.4500M") is converted exactly before it is
// rounded to nanounits; nothing here goes through floating point.
#include <algorithm>
#include <cctype>
#include <limits>
#include <optional>

#include "api/k8s/quantity.h"

namespace hvo::k8s {
namespace {

constexpr std::int32_t kNanosPerUnit = 1'000'000'000;
constexpr std::string_view kMaxUnits = "9223372036854775807";
// Larger exponents cannot change the outcome (overflow or rounding to 1n), and clamping keeps
// the arithmetic below in range.
constexpr long kExponentClamp = 100'000;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

struct Suffix {
  Quantity::Format format = Quantity::Format::kDecimalSI;
  int power_of_two = 0;   // Ki = 10, Mi = 20, ...
  long power_of_ten = 0;  // m = -3, k = 3, e6 = 6, ...
};

std::optional<Suffix> binary_or_decimal_suffix(std::string_view s) {
  using F = Quantity::Format;
  static constexpr struct {
    std::string_view text;
    Suffix suffix;
  } kTable[] = {
      {"", {F::kDecimalSI, 0, 0}},   {"n", {F::kDecimalSI, 0, -9}}, {"u", {F::kDecimalSI, 0, -6}},
      {"m", {F::kDecimalSI, 0, -3}}, {"k", {F::kDecimalSI, 0, 3}},  {"M", {F::kDecimalSI, 0, 6}},
      {"G", {F::kDecimalSI, 0, 9}},  {"T", {F::kDecimalSI, 0, 12}}, {"P", {F::kDecimalSI, 0, 15}},
      {"E", {F::kDecimalSI, 0, 18}}, {"Ki", {F::kBinarySI, 10, 0}}, {"Mi", {F::kBinarySI, 20, 0}},
      {"Gi", {F::kBinarySI, 30, 0}}, {"Ti", {F::kBinarySI, 40, 0}}, {"Pi", {F::kBinarySI, 50, 0}},
      {"Ei", {F::kBinarySI, 60, 0}},
  };
  for (const auto& entry : kTable) {
    if (entry.text == s)
      return entry.suffix;
  }
  return std::nullopt;
}

// "e3", "E-6", "e+12": a decimal exponent with an integer power (Kubernetes rejects "e1.5").
std::optional<Suffix> exponent_suffix(std::string_view s) {
  if (s.size() < 2 || (s[0] != 'e' && s[0] != 'E'))
    return std::nullopt;
  std::size_t pos = 1;
  bool negative = false;
  if (s[pos] == '+' || s[pos] == '-') {
    negative = s[pos] == '-';
    ++pos;
  }
  if (pos == s.size())
    return std::nullopt;
  long power = 0;
  for (; pos < s.size(); ++pos) {
    if (!is_digit(s[pos]))
      return std::nullopt;
    power = std::min(kExponentClamp, power * 10 + (s[pos] - '0'));
  }
  return Suffix{Quantity::Format::kDecimalExponent, 0, negative ? -power : power};
}

std::string strip_leading_zeros(std::string digits) {
  const std::size_t first = digits.find_first_not_of('0');
  return first == std::string::npos ? std::string() : digits.substr(first);
}

// Decimal digit string times 2^power (power <= 60), by repeated doubling.
std::string times_power_of_two(std::string digits, int power) {
  for (int i = 0; i < power; ++i) {
    int carry = 0;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
      const int doubled = (*it - '0') * 2 + carry;
      *it = static_cast<char>('0' + doubled % 10);
      carry = doubled / 10;
    }
    if (carry != 0)
      digits.insert(digits.begin(), static_cast<char>('0' + carry));
  }
  return digits;
}

// Whole units and nanounits of digits × 10^exponent (digits without leading or trailing zeros),
// rounded up to the next nanounit; nullopt when the units exceed INT64_MAX.
std::optional<std::pair<std::int64_t, std::int32_t>> to_units_and_nanos(const std::string& digits,
                                                                        long exponent) {
  const long point = static_cast<long>(digits.size()) + exponent;  // digits before the point
  if (point > static_cast<long>(kMaxUnits.size()))
    return std::nullopt;
  if (point <= -9)
    return std::make_pair(std::int64_t{0}, std::int32_t{1});  // below 1n

  std::string whole;
  std::string fraction;
  if (exponent >= 0) {
    whole = digits + std::string(static_cast<std::size_t>(exponent), '0');
  } else if (point > 0) {
    whole = digits.substr(0, static_cast<std::size_t>(point));
    fraction = digits.substr(static_cast<std::size_t>(point));
  } else {
    fraction = std::string(static_cast<std::size_t>(-point), '0') + digits;
  }
  if (whole.size() == kMaxUnits.size() && whole > kMaxUnits)
    return std::nullopt;

  const bool below_nano =
      fraction.size() > 9 && fraction.find_first_not_of('0', 9) != std::string::npos;
  fraction.resize(9, '0');
  std::int64_t units = whole.empty() ? 0 : std::stoll(whole);
  std::int32_t nanos = std::stoi(fraction);
  if (below_nano && ++nanos == kNanosPerUnit) {
    nanos = 0;
    if (units == std::numeric_limits<std::int64_t>::max())
      return std::nullopt;
    ++units;
  }
  if (units == std::numeric_limits<std::int64_t>::max() && nanos != 0)
    return std::nullopt;
  return std::make_pair(units, nanos);
}

}  // namespace

Result<Quantity> Quantity::parse(std::string_view text) {
  const auto fail = [&](const std::string& why) {
    return Error(ErrorCode::kInvalidArgument, "quantity \"" + std::string(text) + "\": " + why);
  };
  if (text.empty())
    return fail("must not be empty");

  std::size_t pos = 0;
  bool negative = false;
  if (text[pos] == '+' || text[pos] == '-') {
    negative = text[pos] == '-';
    ++pos;
  }
  const std::size_t whole_begin = pos;
  while (pos < text.size() && is_digit(text[pos]))
    ++pos;
  const std::string_view whole = text.substr(whole_begin, pos - whole_begin);
  std::string_view fraction;
  if (pos < text.size() && text[pos] == '.') {
    const std::size_t fraction_begin = ++pos;
    while (pos < text.size() && is_digit(text[pos]))
      ++pos;
    fraction = text.substr(fraction_begin, pos - fraction_begin);
  }
  if (whole.empty() && fraction.empty())
    return fail("expected a number");

  const std::string_view suffix_text = text.substr(pos);
  std::optional<Suffix> suffix = binary_or_decimal_suffix(suffix_text);
  if (!suffix)
    suffix = exponent_suffix(suffix_text);
  if (!suffix)
    return fail("unknown suffix \"" + std::string(suffix_text) + "\"");

  std::string digits = strip_leading_zeros(std::string(whole) + std::string(fraction));
  if (digits.empty())
    return Quantity(0, 0, suffix->format);
  digits = times_power_of_two(std::move(digits), suffix->power_of_two);
  long exponent = suffix->power_of_ten - static_cast<long>(fraction.size());
  while (digits.back() == '0') {
    digits.pop_back();
    ++exponent;
  }

  const auto amount = to_units_and_nanos(digits, exponent);
  if (!amount) {
    return fail("out of range: quantities are limited to +/-9223372036854775807 units");
  }
  // A binary quantity below one unit prints in decimal SI anyway; Kubernetes records it so.
  Format format = suffix->format;
  if (format == Format::kBinarySI && amount->first == 0)
    format = Format::kDecimalSI;
  const std::int64_t units = negative ? -amount->first : amount->first;
  const std::int32_t nanos = negative ? -amount->second : amount->second;
  return Quantity(units, nanos, format);
}

}  // namespace hvo::k8s
