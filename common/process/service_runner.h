// Running a program as a service: the seam between a main() and the system that starts and
// stops it. POSIX (service_runner_posix.cpp): a foreground process, SIGTERM or SIGINT asks it
// to stop, as systemd, Kubernetes and a terminal's Ctrl+C do. Windows
// (service_runner_windows.cpp): under the Service Control Manager when it started us, answering
// stop and shutdown; started from a console instead, Ctrl+C and closing the console stop it.
#pragma once

#include <functional>
#include <string>

namespace hvo::process {

struct ServiceHooks {
  // The service's work, on the calling thread; its return value is the exit code.
  std::function<int()> run;
  // Called once, from another thread, when the system asks the service to stop; it must make
  // `run` return soon (close the listener, cancel the workers).
  std::function<void()> stop;
};

// Runs `hooks.run` until it returns and returns its exit code. `name` is the service name the
// Windows Service Control Manager knows it by, and appears in the log lines.
// Call it from main() before starting any thread: on POSIX the stop signals are blocked in the
// calling thread, and threads started later inherit that, so only the waiting thread sees them.
// Children started with Process get a clean signal mask; ones started any other way (system(),
// a library's own fork) would inherit the blocked signals. After a stop was requested the
// signals stay blocked when it returns, so a repeated stop signal cannot replace the exit code.
int run_as_service(const std::string& name, const ServiceHooks& hooks);

}  // namespace hvo::process
