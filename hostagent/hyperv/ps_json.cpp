#include "hostagent/hyperv/ps_json.h"

#include <cstdio>
#include <ctime>

namespace hvo::agent {
namespace {

// Microsoft.HyperV.PowerShell.VMState values as 5.1 prints them.
const char* state_name(int64_t value) {
  switch (value) {
    case 1:
      return "Other";
    case 2:
      return "Running";
    case 3:
      return "Off";
    case 4:
      return "Stopping";
    case 6:
      return "Saved";
    case 9:
      return "Paused";
    case 10:
      return "Starting";
    case 11:
      return "Reset";
    case 32773:
      return "Saving";
    case 32776:
      return "Pausing";
    case 32777:
      return "Resuming";
    case 32779:
      return "FastSaved";
    case 32780:
      return "FastSaving";
    default:
      return "Other";
  }
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {  // Howard Hinnant's algorithm
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

VmState ps_vm_state(const nlohmann::json& value, std::string& raw) {
  if (value.is_number_integer()) {
    raw = state_name(value.get<int64_t>());
  } else if (value.is_string()) {
    raw = value.get<std::string>();
  } else {
    raw = "Other";
  }
  return parse_vm_state(raw);
}

std::optional<int64_t> ps_time_ms(const nlohmann::json& value) {
  if (!value.is_string())
    return std::nullopt;
  const std::string text = value.get<std::string>();
  long long ms = 0;
  if (std::sscanf(text.c_str(), "/Date(%lld", &ms) == 1)
    return ms;
  int y, mo, d, h, mi;
  double s;
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%lf", &y, &mo, &d, &h, &mi, &s) == 6) {
    const int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    return ((days * 24 + h) * 60 + mi) * 60000 + static_cast<int64_t>(s * 1000);
  }
  return std::nullopt;
}

std::optional<int64_t> ps_seconds(const nlohmann::json& value) {
  if (value.is_number())
    return static_cast<int64_t>(value.get<double>());
  if (value.is_object() && value.contains("TotalSeconds") && value["TotalSeconds"].is_number()) {
    return static_cast<int64_t>(value["TotalSeconds"].get<double>());
  }
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    int days = 0, h = 0, m = 0;
    double s = 0;
    if (std::sscanf(text.c_str(), "%d.%d:%d:%lf", &days, &h, &m, &s) == 4) {
      return ((days * 24 + h) * 60 + m) * 60 + static_cast<int64_t>(s);
    }
    if (std::sscanf(text.c_str(), "%d:%d:%lf", &h, &m, &s) == 3) {
      return (h * 60 + m) * 60 + static_cast<int64_t>(s);
    }
  }
  return std::nullopt;
}

std::string ps_string(const nlohmann::json& object, const char* key) {
  if (!object.is_object() || !object.contains(key))
    return "";
  const auto& value = object[key];
  if (value.is_string())
    return value.get<std::string>();
  if (value.is_number_integer())
    return std::to_string(value.get<int64_t>());
  return "";
}

int64_t ps_int(const nlohmann::json& object, const char* key, int64_t fallback) {
  if (!object.is_object() || !object.contains(key))
    return fallback;
  const auto& value = object[key];
  if (value.is_number())
    return static_cast<int64_t>(value.get<double>());
  if (value.is_string()) {
    try {
      return std::stoll(value.get<std::string>());
    } catch (const std::exception&) {
      return fallback;
    }
  }
  return fallback;
}

nlohmann::json ps_list(const nlohmann::json& object, const char* key) {
  if (!object.is_object() || !object.contains(key))
    return nlohmann::json::array();
  const auto& value = object[key];
  if (value.is_array())
    return value;
  if (value.is_null())
    return nlohmann::json::array();
  return nlohmann::json::array({value});
}

std::string ps_switch_type(const nlohmann::json& value) {
  if (value.is_string())
    return value.get<std::string>();
  if (!value.is_number_integer())
    return "";
  switch (value.get<int64_t>()) {
    case 0:
      return "Private";
    case 1:
      return "Internal";
    case 2:
      return "External";
    default:
      return "";
  }
}

}  // namespace hvo::agent
