// The environment a child starts with: the parent's variables with the caller's additions.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace hvo::process {

// Returns `parent` ("NAME=value" entries) with `overrides` replacing variables of the same name
// and the rest appended, sorted by name. Windows compares names without regard to case and
// wants the block sorted; POSIX compares them exactly. Entries whose name starts with '='
// (Windows' per-drive current directories, "=C:=C:\dir") are kept as they are.
std::vector<std::string> merge_environment(const std::vector<std::string>& parent,
                                           const std::map<std::string, std::string>& overrides,
                                           bool case_insensitive_names);

// The value `name` has in `entries`, or empty when absent.
std::string environment_value(const std::vector<std::string>& entries, const std::string& name,
                              bool case_insensitive_names);

}  // namespace hvo::process
