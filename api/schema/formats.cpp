#include "api/schema/formats.h"

#include <arpa/inet.h>

#include <cstdlib>

#include "api/schema/pattern_cache.h"

namespace hvo::schema {
namespace {

bool leap_year(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool valid_calendar_date(int year, int month, int day) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1)
    return false;
  const int days = kDays[month - 1] + (month == 2 && leap_year(year) ? 1 : 0);
  return day <= days;
}

int number_at(const std::string& s, size_t pos, size_t len) {
  return std::atoi(s.substr(pos, len).c_str());
}

bool is_date(const std::string& s) {
  if (!pattern_matches(R"(^\d{4}-\d{2}-\d{2}$)", s))
    return false;
  return valid_calendar_date(number_at(s, 0, 4), number_at(s, 5, 2), number_at(s, 8, 2));
}

// RFC 3339 date-time plus the variants strfmt also accepts: a space instead of "T", no seconds,
// no zone (local time), a zone offset without colon.
bool is_date_time(const std::string& s) {
  static const std::string kDateTime =
      R"(^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})?$)";
  if (!pattern_matches(kDateTime, s))
    return false;
  if (!valid_calendar_date(number_at(s, 0, 4), number_at(s, 5, 2), number_at(s, 8, 2))) {
    return false;
  }
  const int hour = number_at(s, 11, 2);
  const int minute = number_at(s, 14, 2);
  const int second = s.size() > 17 && s[16] == ':' ? number_at(s, 17, 2) : 0;
  return hour <= 23 && minute <= 59 && second <= 60;
}

bool is_base64(const std::string& s) {
  if (s.size() % 4 != 0)
    return false;
  return pattern_matches(R"(^[A-Za-z0-9+/]*={0,2}$)", s);
}

bool is_ipv4(const std::string& s) {
  in_addr addr;
  return inet_pton(AF_INET, s.c_str(), &addr) == 1;
}

bool is_ipv6(const std::string& s) {
  in6_addr addr;
  return inet_pton(AF_INET6, s.c_str(), &addr) == 1;
}

bool is_cidr(const std::string& s) {
  const size_t slash = s.find('/');
  if (slash == std::string::npos)
    return false;
  const std::string ip = s.substr(0, slash);
  const std::string bits = s.substr(slash + 1);
  if (bits.empty() || bits.size() > 3 || !pattern_matches(R"(^\d+$)", bits))
    return false;
  const int prefix = std::atoi(bits.c_str());
  if (is_ipv4(ip))
    return prefix <= 32;
  if (is_ipv6(ip))
    return prefix <= 128;
  return false;
}

}  // namespace

bool matches_format(const std::string& format, const std::string& value) {
  if (format == "date-time" || format == "datetime")
    return is_date_time(value);
  if (format == "date")
    return is_date(value);
  if (format == "byte")
    return is_base64(value);
  if (format == "uuid") {
    return pattern_matches(
        R"(^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$)", value);
  }
  if (format == "uuid3" || format == "uuid4" || format == "uuid5") {
    const std::string version(1, format.back());
    const std::string variant = format == "uuid3" ? "[0-9a-fA-F]" : "[89abAB]";
    return pattern_matches("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-" + version + "[0-9a-fA-F]{3}-" +
                               variant + "[0-9a-fA-F]{3}-[0-9a-fA-F]{12}$",
                           value);
  }
  if (format == "ipv4")
    return is_ipv4(value);
  if (format == "ipv6")
    return is_ipv6(value);
  if (format == "cidr")
    return is_cidr(value);
  if (format == "mac") {
    return pattern_matches(R"(^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$)", value);
  }
  if (format == "hostname") {
    return value.size() <= 253 &&
           pattern_matches(
               R"(^[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*$)",
               value);
  }
  if (format == "uri")
    return pattern_matches(R"(^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$)", value);
  if (format == "email")
    return pattern_matches(R"(^[^\s@]+@[^\s@]+\.[^\s@]+$)", value);
  return true;
}

}  // namespace hvo::schema
