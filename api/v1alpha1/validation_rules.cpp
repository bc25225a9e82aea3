#include "api/v1alpha1/validation_rules.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace hvo::api {
namespace {

bool is_hex(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  return std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
}

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

}  // namespace

void check_range(std::int64_t value, std::int64_t min, std::int64_t max, const std::string& path,
                 k8s::FieldErrors& errors) {
  if (value < min || value > max) {
    errors.push_back({path, "must be between " + std::to_string(min) + " and " +
                                std::to_string(max) + ", got " + std::to_string(value)});
  }
}

void check_positive(const k8s::Quantity& value, const std::string& path, k8s::FieldErrors& errors) {
  if (value.sign() <= 0) {
    errors.push_back({path, "must be greater than 0, got " + value.to_string()});
  }
}

void check_not_negative(const k8s::Quantity& value, const std::string& path,
                        k8s::FieldErrors& errors) {
  if (value.sign() < 0) {
    errors.push_back({path, "must not be negative, got " + value.to_string()});
  }
}

void check_not_negative(std::int64_t value, const std::string& path, k8s::FieldErrors& errors) {
  if (value < 0)
    errors.push_back({path, "must not be negative, got " + std::to_string(value)});
}

void add_name_problems(const std::vector<std::string>& problems, const std::string& value,
                       const std::string& path, k8s::FieldErrors& errors) {
  for (const std::string& problem : problems) {
    errors.push_back({path, "invalid value \"" + value + "\": " + problem});
  }
}

void check_unique(const std::vector<std::string>& values, const std::string& list_path,
                  const std::string& key_field, k8s::FieldErrors& errors) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!seen.insert(values[i]).second) {
      std::string path = k8s::index_path(list_path, i);
      if (!key_field.empty())
        path = k8s::field_path(path, key_field);
      errors.push_back({path, "duplicate value \"" + values[i] + "\""});
    }
  }
}

void check_mac_address(std::string_view mac, const std::string& path, k8s::FieldErrors& errors) {
  std::string digits;
  bool well_formed = false;
  if (mac.size() == 12) {
    digits = std::string(mac);
    well_formed = std::all_of(digits.begin(), digits.end(), is_hex);
  } else if (mac.size() == 17 && (mac[2] == ':' || mac[2] == '-')) {
    well_formed = true;
    for (std::size_t i = 0; i < mac.size(); ++i) {
      const bool separator_position = i % 3 == 2;
      if (separator_position ? mac[i] != mac[2] : !is_hex(mac[i]))
        well_formed = false;
      if (!separator_position)
        digits.push_back(mac[i]);
    }
  }
  if (!well_formed) {
    errors.push_back({path, "invalid value \"" + std::string(mac) +
                                "\": must be six hex pairs separated by ':' or '-', or twelve "
                                "hex digits (e.g. 00:15:5D:01:02:03)"});
    return;
  }
  // The low bit of the first octet marks group (multicast) addresses, which no NIC may own.
  if ((hex_value(digits[1]) & 1) != 0) {
    errors.push_back({path, "invalid value \"" + std::string(mac) +
                                "\": must be a unicast address (the first octet must be even)"});
  }
}

void check_https_url(std::string_view url, const std::string& path, k8s::FieldErrors& errors) {
  constexpr std::string_view kScheme = "https://";
  const auto fail = [&](const std::string& why) {
    errors.push_back({path, "invalid value \"" + std::string(url) + "\": " + why});
  };
  if (url.substr(0, kScheme.size()) != kScheme)
    return fail("must be an https:// URL");
  const std::string_view rest = url.substr(kScheme.size());
  const std::string_view authority = rest.substr(0, rest.find('/'));
  if (authority.empty())
    return fail("must name a host");
  if (url.find_first_of("?#") != std::string_view::npos) {
    return fail("must not have a query or fragment");
  }
  if (std::any_of(url.begin(), url.end(),
                  [](unsigned char c) { return std::isspace(c) != 0 || c < 0x20; })) {
    return fail("must not contain whitespace");
  }
  const std::size_t colon = authority.rfind(':');
  const bool bracketed_ipv6 = !authority.empty() && authority.back() == ']';
  if (colon != std::string_view::npos && !bracketed_ipv6) {
    const std::string_view port = authority.substr(colon + 1);
    const bool numeric =
        !port.empty() && port.size() <= 5 &&
        std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
    if (!numeric || std::stoi(std::string(port)) < 1 || std::stoi(std::string(port)) > 65535) {
      return fail("port must be a number between 1 and 65535");
    }
  }
}

void check_windows_name(std::string_view name, const std::string& path, k8s::FieldErrors& errors) {
  if (name.size() > 100) {
    errors.push_back({path, "must be no more than 100 characters (the Hyper-V VM name limit)"});
  }
  static const std::set<std::string> kReserved = {
      "CON",  "PRN",  "AUX",  "NUL",  "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7",
      "COM8", "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9"};
  const std::string stem = upper(name.substr(0, name.find('.')));
  if (kReserved.count(stem) != 0) {
    errors.push_back({path, "invalid value \"" + std::string(name) +
                                "\": a reserved Windows device name cannot name a VM folder"});
  }
}

void check_image_name(std::string_view name, const std::string& path, k8s::FieldErrors& errors) {
  const auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  const bool valid = !name.empty() && name.size() <= 128 && alnum(name.front()) &&
                     alnum(name.back()) && std::all_of(name.begin(), name.end(), [&](char c) {
                       return alnum(c) || c == '.' || c == '_' || c == '-';
                     });
  if (!valid) {
    errors.push_back({path, "invalid value \"" + std::string(name) +
                                "\": an image name must be 1 to 128 letters, digits, '.', '_' or "
                                "'-', starting and ending with a letter or digit"});
  }
}

void check_switch_name(std::string_view name, const std::string& path, k8s::FieldErrors& errors) {
  const auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  const bool valid =
      !name.empty() && name.size() <= 100 && alnum(name.front()) &&
      std::all_of(name.begin(), name.end(), [&](char c) {
        return alnum(c) || c == ' ' || c == '.' || c == '_' || c == '(' || c == ')' || c == '-';
      });
  if (!valid) {
    errors.push_back({path, "invalid value \"" + std::string(name) +
                                "\": a switch name must be 1 to 100 letters, digits, spaces or "
                                "._()-, starting with a letter or digit"});
  }
}

}  // namespace hvo::api
