// Process on Windows: CreateProcessW (windows_launch.cpp), anonymous pipes read by peeking and
// written without blocking (windows_io.cpp), the process handle for waits. Built only on
// Windows (see CMakeLists.txt). This project's CI runs on Linux, so this code cannot be tested
// there: it stays small and keeps to documented API behaviour.
#include <windows.h>

#include <algorithm>
#include <optional>

#include "common/process/deadline.h"
#include "common/process/process.h"
#include "common/process/windows_handle.h"
#include "common/process/windows_io.h"
#include "common/process/windows_launch.h"

namespace hvo::process {

class Process::Impl {
 public:
  UniqueHandle process;
  UniqueHandle job;  // set with new_process_group; closing it ends every process in it
  DWORD pid = 0;
  std::string label;  // "process 42 (pwsh)", the prefix of every error about this child
  UniqueHandle in;    // parent's ends of the pipes; invalid when that stream is not a pipe
  UniqueHandle out;
  UniqueHandle err;
  std::optional<ExitStatus> exit;  // set once the child has exited

  UniqueHandle& pipe_of(Stream stream) { return stream == Stream::kStdout ? out : err; }
  std::string what(Stream stream) const {
    return (stream == Stream::kStdout ? "stdout of " : "stderr of ") + label;
  }

  // Waits up to `wait_ms` (INFINITE allowed) for the exit; true once the child has exited.
  bool reap(DWORD wait_ms) {
    if (exit) {
      return true;
    }
    if (WaitForSingleObject(process.get(), wait_ms) != WAIT_OBJECT_0) {
      return false;
    }
    DWORD code = 0;
    GetExitCodeProcess(process.get(), &code);
    exit = ExitStatus{static_cast<int>(code), 0};
    return true;
  }

  Status end() {
    // The process handle keeps the process object (and its id) alive, so unlike a POSIX pid
    // it can never name another process; an exited child just refuses with access denied.
    const char* call = job.valid() ? "TerminateJobObject" : "TerminateProcess";
    const BOOL ended = job.valid() ? TerminateJobObject(job.get(), kKilledExitCode)
                                   : TerminateProcess(process.get(), kKilledExitCode);
    if (ended) {
      return OkStatus();
    }
    const DWORD error = GetLastError();
    if (error == ERROR_ACCESS_DENIED && reap(0)) {
      return OkStatus();
    }
    return Error(ErrorCode::kInternal, label + ": " + last_error_text(call, error));
  }
};

Result<Process> Process::spawn(const Options& options) {
  auto child = launch(options);
  if (!child.ok()) {
    return child.error();
  }
  auto impl = std::make_unique<Impl>();
  impl->process = std::move(child->process);
  impl->job = std::move(child->job);
  impl->pid = child->pid;
  impl->label = "process " + std::to_string(child->pid) + " (" + options.argv[0] + ")";
  impl->in = std::move(child->in);
  impl->out = std::move(child->out);
  impl->err = std::move(child->err);
  return Process(std::move(impl));
}

Process::Process(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Process::Process(Process&& other) noexcept = default;
Process& Process::operator=(Process&& other) noexcept = default;

Process::~Process() {
  if (!impl_) {
    return;  // moved from
  }
  if (!impl_->reap(0)) {
    (void)impl_->end();
    impl_->reap(INFINITE);
  }
  // With a job, closing its handle (in ~Impl) ends whatever the child left running.
}

int Process::pid() const {
  return static_cast<int>(impl_->pid);
}

bool Process::running() {
  return !impl_->reap(0);
}

Status Process::write_stdin(std::string_view data, Timeout timeout) {
  if (!impl_->in.valid()) {
    return Error(ErrorCode::kInvalidArgument,
                 "stdin of " + impl_->label + " is not a pipe, or was closed");
  }
  const Deadline deadline(timeout);
  const std::string what = "stdin of " + impl_->label;
  Backoff backoff;
  while (!data.empty()) {
    auto written = write_now(impl_->in.get(), data, what);
    if (!written.ok()) {
      return written.error();
    }
    data.remove_prefix(*written);
    if (*written > 0) {
      backoff.reset();
      continue;
    }
    if (deadline.expired()) {
      return Error(ErrorCode::kTimeout, what + ": the child did not read its input in time");
    }
    backoff.sleep(deadline);
  }
  return OkStatus();
}

void Process::close_stdin() {
  impl_->in.reset();
}

Result<std::string> Process::read_pipe(Stream stream, Timeout timeout) {
  const UniqueHandle& pipe = impl_->pipe_of(stream);
  if (!pipe.valid()) {
    return Error(ErrorCode::kInvalidArgument, impl_->what(stream) + " is not a pipe");
  }
  const Deadline deadline(timeout);
  Backoff backoff;
  for (;;) {
    auto chunk = read_now(pipe.get(), impl_->what(stream));
    if (!chunk.ok()) {
      return chunk.error();
    }
    if (chunk->has_value()) {
      return std::move(**chunk);
    }
    if (deadline.expired()) {
      return Error(ErrorCode::kTimeout, impl_->what(stream) + ": no output before the deadline");
    }
    backoff.sleep(deadline);
  }
}

Result<Output> Process::pump(std::string_view input, bool feed_stdin, Timeout timeout) {
  const Deadline deadline(timeout);
  Output output;
  if (feed_stdin && input.empty()) {
    close_stdin();
  }
  bool feeding = feed_stdin && impl_->in.valid();
  bool reading[2] = {impl_->out.valid(), impl_->err.valid()};
  std::string* sinks[2] = {&output.out, &output.err};
  const Stream streams[2] = {Stream::kStdout, Stream::kStderr};
  Backoff backoff;

  while (feeding || reading[0] || reading[1]) {
    bool progressed = false;
    if (feeding) {
      auto written = write_now(impl_->in.get(), input, "stdin of " + impl_->label);
      // A child that closes its stdin early just does not want the rest: not an error here.
      if (written.ok()) {
        input.remove_prefix(*written);
        progressed = *written > 0;
      }
      if (!written.ok() || input.empty()) {
        close_stdin();
        feeding = false;
      }
    }
    for (int i = 0; i < 2; ++i) {
      if (!reading[i]) {
        continue;
      }
      auto chunk = read_now(impl_->pipe_of(streams[i]).get(), impl_->what(streams[i]));
      if (!chunk.ok()) {
        return chunk.error();
      }
      if (chunk->has_value()) {
        progressed = true;
        reading[i] = !(*chunk)->empty();  // "" is end of file
        *sinks[i] += **chunk;
      }
    }
    if (progressed) {
      backoff.reset();
      continue;
    }
    if (deadline.expired()) {
      stdout_buffer_ += output.out;
      stderr_buffer_ += output.err;
      return Error(ErrorCode::kTimeout, impl_->label + ": output still open after " +
                                            std::to_string(timeout.count()) + " ms");
    }
    backoff.sleep(deadline);
  }
  return output;
}

// A console program has no SIGTERM to receive, and a CTRL_BREAK_EVENT would reach every process
// sharing our console: ending the child is the one request that is always understood.
Status Process::terminate() {
  return impl_->end();
}
Status Process::kill() {
  return impl_->end();
}

Result<ExitStatus> Process::wait(Timeout timeout) {
  if (timeout == kNoTimeout) {
    impl_->reap(INFINITE);
    return *impl_->exit;
  }
  const auto capped = std::min<long long>(timeout.count(), INFINITE - 1);
  if (!impl_->reap(static_cast<DWORD>(capped))) {
    return Error(ErrorCode::kTimeout,
                 impl_->label + " still running after " + std::to_string(timeout.count()) + " ms");
  }
  return *impl_->exit;
}

}  // namespace hvo::process
