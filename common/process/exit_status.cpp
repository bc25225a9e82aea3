#include "common/process/exit_status.h"

#include <csignal>

namespace hvo::process {
namespace {

// The signals a supervisor meets in practice; others are shown by number only.
const char* signal_name(int signal) {
  switch (signal) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    case SIGSEGV:
      return "SIGSEGV";
    case SIGABRT:
      return "SIGABRT";
    case SIGILL:
      return "SIGILL";
    case SIGFPE:
      return "SIGFPE";
#ifndef _WIN32
    case SIGKILL:
      return "SIGKILL";
    case SIGHUP:
      return "SIGHUP";
    case SIGPIPE:
      return "SIGPIPE";
    case SIGQUIT:
      return "SIGQUIT";
    case SIGBUS:
      return "SIGBUS";
#endif
    default:
      return nullptr;
  }
}

}  // namespace

std::string ExitStatus::describe() const {
  if (exited()) {
    return "exit code " + std::to_string(code);
  }
  std::string text = "killed by signal " + std::to_string(signal);
  if (const char* name = signal_name(signal)) {
    text += std::string(" (") + name + ")";
  }
  return text;
}

}  // namespace hvo::process
