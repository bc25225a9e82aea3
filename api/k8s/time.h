// RFC 3339 instants as Kubernetes writes them: metav1.Time prints whole seconds in UTC
// ("2026-11-22T01:46:16Z"); metav1.MicroTime prints six fractional digits
// ("2026-11-22T01:46:16.123456Z", used by Leases and events). Parsing accepts either form with
// any number of fractional digits (up to nanoseconds) and a "Z" or "+hh:mm"/"-hh:mm" offset.
// An absent or null time is modelled by std::optional<Time>, never by a zero value.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/status.h"

namespace hvo::k8s {

using TimePoint = std::chrono::time_point<std::chrono::system_clock, std::chrono::nanoseconds>;

// Parses RFC 3339 ("2006-01-02T15:04:05Z", "2006-01-02T15:04:05.5+02:00"); errors name the
// text and what is wrong with it.
Result<TimePoint> parse_rfc3339(std::string_view text);
// "2006-01-02T15:04:05Z": whole seconds (the fraction is truncated), UTC.
std::string format_rfc3339(TimePoint instant);
// "2006-01-02T15:04:05.000000Z": microseconds (the rest truncated), UTC.
std::string format_rfc3339_micro(TimePoint instant);

// metav1.Time: an instant that serializes with whole seconds.
class Time {
 public:
  Time() = default;  // the Unix epoch
  explicit Time(TimePoint instant) : instant_(instant) {}
  static Time now() { return Time(std::chrono::system_clock::now()); }
  static Result<Time> parse(std::string_view text);

  TimePoint time_point() const { return instant_; }
  std::string to_string() const { return format_rfc3339(instant_); }

  friend bool operator==(const Time& a, const Time& b) { return a.instant_ == b.instant_; }
  friend bool operator!=(const Time& a, const Time& b) { return a.instant_ != b.instant_; }
  friend bool operator<(const Time& a, const Time& b) { return a.instant_ < b.instant_; }
  friend bool operator>(const Time& a, const Time& b) { return a.instant_ > b.instant_; }
  friend bool operator<=(const Time& a, const Time& b) { return a.instant_ <= b.instant_; }
  friend bool operator>=(const Time& a, const Time& b) { return a.instant_ >= b.instant_; }

 private:
  TimePoint instant_{};
};

// metav1.MicroTime: an instant that serializes with six fractional digits.
class MicroTime {
 public:
  MicroTime() = default;  // the Unix epoch
  explicit MicroTime(TimePoint instant) : instant_(instant) {}
  static MicroTime now() { return MicroTime(std::chrono::system_clock::now()); }
  static Result<MicroTime> parse(std::string_view text);

  TimePoint time_point() const { return instant_; }
  std::string to_string() const { return format_rfc3339_micro(instant_); }

  friend bool operator==(const MicroTime& a, const MicroTime& b) {
    return a.instant_ == b.instant_;
  }
  friend bool operator!=(const MicroTime& a, const MicroTime& b) {
    return a.instant_ != b.instant_;
  }
  friend bool operator<(const MicroTime& a, const MicroTime& b) { return a.instant_ < b.instant_; }

 private:
  TimePoint instant_{};
};

}  // namespace hvo::k8s
