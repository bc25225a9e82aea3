// Durations as Kubernetes writes them in specs (metav1.Duration, Go's time.ParseDuration):
// a sequence of decimal numbers, each with a unit, e.g. "90s", "5m", "1h30m", "1.5h", "250ms".
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace hvo::k8s {

// The duration `text` spells, rounded down to milliseconds; nullopt when it is not one (an empty
// string, a number without a unit other than "0", an unknown unit, a sign, or more than 10^9
// hours). Units: h, m, s, ms (Go's us and ns are not accepted: no spec needs them).
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

}  // namespace hvo::k8s
