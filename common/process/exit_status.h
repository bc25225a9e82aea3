// How a child process ended.
#pragma once

#include <string>

namespace hvo::process {

struct ExitStatus {
  int code = 0;    // the exit code when the child exited by itself; -1 when a signal ended it
  int signal = 0;  // the POSIX signal that ended it; 0 when it exited (always 0 on Windows)

  bool exited() const { return signal == 0; }
  bool success() const { return signal == 0 && code == 0; }
  // "exit code 3" or "killed by signal 9 (SIGKILL)", for error messages and logs.
  std::string describe() const;
};

}  // namespace hvo::process
