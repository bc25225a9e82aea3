// Durations in the flag syntax of kube-apiserver (Go's time.ParseDuration): "5m", "1m30s",
// "1.5h", "300ms", "0". A bare number is taken as seconds, for convenience.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace hvo::apiserver {

// nullopt when `text` is not a duration (empty, unknown unit, negative).
std::optional<std::chrono::milliseconds> parse_go_duration(const std::string& text);

}  // namespace hvo::apiserver
