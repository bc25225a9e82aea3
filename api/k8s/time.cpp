// RFC 3339 parsing and formatting over a proleptic Gregorian calendar in UTC. The day count
// conversions are the usual era-based civil calendar arithmetic (400-year cycles of 146097
// days), valid for every year 0000..9999 that RFC 3339 can express.
#include "api/k8s/time.h"

#include <cstdio>

namespace hvo::k8s {
namespace {

using Days = std::chrono::duration<std::int64_t, std::ratio<86400>>;

std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const unsigned year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

struct CivilDate {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

CivilDate civil_from_days(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned mp = (5 * day_of_year + 2) / 153;
  const unsigned day = day_of_year - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

bool is_leap_year(std::int64_t year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

unsigned days_in_month(std::int64_t year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

// Reads exactly `count` digits at `pos`; false if any is not a digit.
bool read_digits(std::string_view text, std::size_t pos, std::size_t count, unsigned& out) {
  if (pos + count > text.size())
    return false;
  out = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9')
      return false;
    out = out * 10 + static_cast<unsigned>(text[i] - '0');
  }
  return true;
}

bool expect_char(std::string_view text, std::size_t pos, char c) {
  return pos < text.size() && text[pos] == c;
}

std::string format(TimePoint instant, int fraction_digits) {
  const auto since_epoch = instant.time_since_epoch();
  auto days = std::chrono::floor<Days>(since_epoch);
  const auto in_day = since_epoch - days;
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(in_day).count();
  const auto nanos = (in_day - std::chrono::seconds(seconds)).count();
  const CivilDate date = civil_from_days(days.count());
  char buffer[64];
  int length = std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                             static_cast<long long>(date.year), date.month, date.day,
                             static_cast<long long>(seconds / 3600),
                             static_cast<long long>(seconds / 60 % 60),
                             static_cast<long long>(seconds % 60));
  if (fraction_digits == 6) {
    length += std::snprintf(buffer + length, sizeof buffer - static_cast<std::size_t>(length),
                            ".%06lld", static_cast<long long>(nanos / 1000));
  }
  return std::string(buffer, static_cast<std::size_t>(length)) + "Z";
}

}  // namespace

Result<TimePoint> parse_rfc3339(std::string_view text) {
  const auto fail = [&](const std::string& why) {
    return Error(ErrorCode::kInvalidArgument,
                 "time \"" + std::string(text) + "\": " + why +
                     " (expected RFC 3339, e.g. 2006-01-02T15:04:05Z)");
  };
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_digits(text, 0, 4, year) || !expect_char(text, 4, '-') ||
      !read_digits(text, 5, 2, month) || !expect_char(text, 7, '-') ||
      !read_digits(text, 8, 2, day) || !expect_char(text, 10, 'T') ||
      !read_digits(text, 11, 2, hour) || !expect_char(text, 13, ':') ||
      !read_digits(text, 14, 2, minute) || !expect_char(text, 16, ':') ||
      !read_digits(text, 17, 2, second)) {
    return fail("malformed date or time");
  }
  if (month < 1 || month > 12)
    return fail("month out of range");
  if (day < 1 || day > days_in_month(year, month))
    return fail("day out of range");
  if (hour > 23)
    return fail("hour out of range");
  if (minute > 59)
    return fail("minute out of range");
  if (second > 59)
    return fail("second out of range");

  std::size_t pos = 19;
  std::int64_t nanos = 0;
  if (expect_char(text, pos, '.')) {
    const std::size_t begin = ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (pos - begin < 9)
        nanos = nanos * 10 + (text[pos] - '0');
      ++pos;
    }
    if (pos == begin)
      return fail("missing fractional digits");
    for (std::size_t digits = pos - begin; digits < 9; ++digits)
      nanos *= 10;
  }

  std::int64_t offset_seconds = 0;
  if (expect_char(text, pos, 'Z') && pos + 1 == text.size()) {
    // UTC
  } else if ((expect_char(text, pos, '+') || expect_char(text, pos, '-')) &&
             pos + 6 == text.size()) {
    unsigned offset_hours = 0, offset_minutes = 0;
    if (!read_digits(text, pos + 1, 2, offset_hours) || !expect_char(text, pos + 3, ':') ||
        !read_digits(text, pos + 4, 2, offset_minutes) || offset_hours > 23 ||
        offset_minutes > 59) {
      return fail("malformed offset");
    }
    offset_seconds = static_cast<std::int64_t>(offset_hours * 3600 + offset_minutes * 60);
    if (text[pos] == '-')
      offset_seconds = -offset_seconds;
  } else {
    return fail("missing or malformed offset");
  }

  const std::int64_t seconds = days_from_civil(year, month, day) * 86400 +
                               std::int64_t{hour} * 3600 + std::int64_t{minute} * 60 + second -
                               offset_seconds;
  return TimePoint(std::chrono::seconds(seconds) + std::chrono::nanoseconds(nanos));
}

std::string format_rfc3339(TimePoint instant) {
  return format(instant, 0);
}

std::string format_rfc3339_micro(TimePoint instant) {
  return format(instant, 6);
}

Result<Time> Time::parse(std::string_view text) {
  auto instant = parse_rfc3339(text);
  if (!instant.ok())
    return instant.error();
  return Time(*instant);
}

Result<MicroTime> MicroTime::parse(std::string_view text) {
  auto instant = parse_rfc3339(text);
  if (!instant.ok())
    return instant.error();
  return MicroTime(*instant);
}

}  // namespace hvo::k8s
