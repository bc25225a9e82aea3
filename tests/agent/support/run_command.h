// Runs a shell command for a test and captures its standard output as bytes.
#pragma once

#include <cstdio>
#include <stdexcept>
#include <string>

namespace hvo::agent::testing {

struct CommandOutput {
  int exit_code = -1;
  std::string out;
};

inline CommandOutput run_command(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr)
    throw std::runtime_error("cannot run: " + command);
  CommandOutput result;
  char buffer[8192];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0)
    result.out.append(buffer, n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace hvo::agent::testing
