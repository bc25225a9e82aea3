// fork + exec of one child. Everything the child needs is prepared in the parent first, so
// between fork and exec the child makes only async-signal-safe calls (the parent may have many
// threads, and any of them may hold the allocator's lock at the moment of fork).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/status.h"

namespace hvo::process {

struct LaunchPlan {
  std::string program;            // full path handed to execve
  std::vector<std::string> argv;  // argv[0] included
  std::vector<std::string> env;   // "NAME=value"
  std::string working_dir;        // empty: stay where the parent is
  int stdio[3] = {-1, -1, -1};    // descriptors to become 0, 1, 2; -1 keeps the parent's
  bool new_process_group = false;
};

// Starts the child and returns its pid once exec has succeeded. A failure in the child before
// exec (chdir, exec itself) comes back as an error naming the step and errno. The child starts
// with default signal dispositions, an empty signal mask, and no descriptors but 0, 1 and 2.
Result<pid_t> launch(const LaunchPlan& plan);

}  // namespace hvo::process
