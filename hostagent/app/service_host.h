// How the agent process lives: in the foreground until SIGINT/SIGTERM (POSIX) or Ctrl-C, or as
// a Windows service driven by the Service Control Manager. main() hands over what to start and
// how to stop; this seam hides which of the two is running.
#pragma once

#include <functional>
#include <string>

#include "common/status.h"

namespace hvo::agent {

struct ServiceCallbacks {
  std::function<Status()> start;  // brings the agent up; an error ends the process
  std::function<void()> stop;     // called once when asked to stop
};

// Returns the process exit code: 0 after a clean stop, 1 when start() failed.
int run_until_stopped(const std::string& service_name, const ServiceCallbacks& callbacks);

}  // namespace hvo::agent
