// Finding a program the way a shell would, without a shell.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace hvo::process {

// The full path of `name` looked up in `path_list` (PATH syntax: ':'-separated on POSIX,
// ';'-separated on Windows, where the extensions of PATHEXT are tried too). A name holding a
// directory separator is not searched: it is returned when it names an executable file.
// Empty when nothing executable is found. Empty PATH entries are skipped (they would mean the
// current directory, a classic way to run the wrong program).
std::optional<std::string> find_executable_in(const std::string& name,
                                              const std::string& path_list);

// find_executable_in with this process' PATH.
std::optional<std::string> find_executable(const std::string& name);

// The program a child's argv[0] names, as a shell would find it: on the PATH of the child's
// environment `child_env` ("NAME=value" entries), or on ours when that has none. kNotFound says
// what was searched.
Result<std::string> resolve_program(const std::string& name,
                                    const std::vector<std::string>& child_env,
                                    bool case_insensitive_names);

// The full path of the running program (/proc/self/exe, GetModuleFileNameW), so files shipped
// beside it are found wherever it was installed. kNotFound when the system does not say.
Result<std::string> current_executable_path();

}  // namespace hvo::process
