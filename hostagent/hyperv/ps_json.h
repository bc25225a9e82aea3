// Reading what PowerShell prints, whichever edition printed it. Our scripts write explicit
// strings, int64 byte counts and ISO-8601 times, but Windows PowerShell 5.1's ConvertTo-Json
// writes enums as integers, DateTime as "\/Date(ms)\/" and TimeSpan as an object; these readers
// accept both so a script slip or a host quirk never turns into a wrong state.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "hostagent/protocol/vm_status.h"

namespace hvo::agent {

// Hyper-V's VMState: "Running" or its integer (2 Running, 3 Off, 4 Stopping, 6 Saved, 9 Paused,
// 10 Starting, ...). Sets `raw` to the text form.
VmState ps_vm_state(const nlohmann::json& value, std::string& raw);
// A DateTime: "\/Date(1700000000000)\/" (5.1, with an optional +hhmm), or ISO-8601 UTC
// "2026-11-22T01:02:03Z" (fraction allowed). Unix milliseconds, nullopt when unreadable.
std::optional<int64_t> ps_time_ms(const nlohmann::json& value);
// A TimeSpan in seconds: a number, a 5.1 object with TotalSeconds, or "d.hh:mm:ss(.fff)".
std::optional<int64_t> ps_seconds(const nlohmann::json& value);
// A string field that 5.1 may have turned into null or a number.
std::string ps_string(const nlohmann::json& object, const char* key);
int64_t ps_int(const nlohmann::json& object, const char* key, int64_t fallback = 0);
// A list field as an array: 5.1 prints a one-element array as the element itself.
nlohmann::json ps_list(const nlohmann::json& object, const char* key);
// VMSwitchType: "External" or its integer (0 Private, 1 Internal, 2 External).
std::string ps_switch_type(const nlohmann::json& value);

}  // namespace hvo::agent
