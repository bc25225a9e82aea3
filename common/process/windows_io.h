// Reading and writing the parent's ends of a child's anonymous pipes on Windows. Anonymous pipes
// have no overlapped I/O and nothing like poll(), so reads peek first (PeekNamedPipe) and never
// block, writes go to a PIPE_NOWAIT handle, and callers wait between tries with Backoff.
#pragma once

#include <windows.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/process/deadline.h"
#include "common/status.h"

namespace hvo::process {

// Sleeps between looks at a pipe: 1 ms at first, doubling up to 20 ms, never past the deadline.
class Backoff {
 public:
  void sleep(const Deadline& deadline);
  void reset() { pause_ = std::chrono::milliseconds(1); }

 private:
  std::chrono::milliseconds pause_{1};
};

// What is in the pipe now: nullopt when nothing is, "" at end of file (every writer closed).
// `what` names the stream in errors ("stdout of process 42 (pwsh)").
Result<std::optional<std::string>> read_now(HANDLE pipe, const std::string& what);

// One write to a PIPE_NOWAIT handle: the bytes the pipe took, 0 when it is full. kUnavailable
// when the child closed its end.
Result<size_t> write_now(HANDLE pipe, std::string_view data, const std::string& what);

}  // namespace hvo::process
