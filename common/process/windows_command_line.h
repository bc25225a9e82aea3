// Windows passes a child one command-line string, which the child's C runtime splits back into
// argv (CommandLineToArgvW rules). Quoting each argument so it splits back exactly is what keeps
// argv safe from injection there. Pure text, so it is built and tested on every platform.
#pragma once

#include <string>
#include <vector>

namespace hvo::process {

// One argument, quoted only when it must be: empty, or holding a space, tab, newline or '"'.
// Inside quotes, backslashes are doubled only before a '"' or the closing quote.
std::string quote_windows_argument(const std::string& argument);

// The arguments quoted and joined by spaces.
std::string windows_command_line(const std::vector<std::string>& argv);

}  // namespace hvo::process
