#include "common/process/environment.h"

#include <algorithm>
#include <cctype>

namespace hvo::process {
namespace {

// The name part of "NAME=value". A leading '=' belongs to the name (Windows "=C:=C:\dir").
std::string name_of(const std::string& entry) {
  const size_t equals = entry.find('=', 1);
  return equals == std::string::npos ? entry : entry.substr(0, equals);
}

std::string key(const std::string& name, bool case_insensitive) {
  if (!case_insensitive) {
    return name;
  }
  std::string upper = name;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return upper;
}

}  // namespace

std::vector<std::string> merge_environment(const std::vector<std::string>& parent,
                                           const std::map<std::string, std::string>& overrides,
                                           bool case_insensitive_names) {
  // Keyed by the comparable name, so a later entry replaces an earlier one of the same name.
  std::map<std::string, std::string> merged;
  for (const auto& entry : parent) {
    merged[key(name_of(entry), case_insensitive_names)] = entry;
  }
  for (const auto& [name, value] : overrides) {
    merged[key(name, case_insensitive_names)] = name + "=" + value;
  }
  std::vector<std::string> out;
  out.reserve(merged.size());
  for (auto& entry : merged) {
    out.push_back(std::move(entry.second));
  }
  return out;
}

std::string environment_value(const std::vector<std::string>& entries, const std::string& name,
                              bool case_insensitive_names) {
  const std::string wanted = key(name, case_insensitive_names);
  for (const auto& entry : entries) {
    const std::string name_part = name_of(entry);
    if (name_part.size() < entry.size() && key(name_part, case_insensitive_names) == wanted) {
      return entry.substr(name_part.size() + 1);
    }
  }
  return "";
}

}  // namespace hvo::process
