// Starting and controlling a child process: argv without a shell, environment additions,
// working directory, standard streams as pipes, files, /dev/null or inherited, reads with
// timeouts, signals, and waits. A POSIX implementation (process_posix.cpp, fork/exec) and a
// Windows one (process_windows.cpp, CreateProcessW) sit behind this one class.
//
//   Options options;
//   options.argv = {"pwsh", "-NoProfile", "-NonInteractive", "-File", "worker.ps1"};
//   options.std_in = Stdio::pipe();
//   options.std_out = Stdio::pipe();
//   auto worker = Process::spawn(options);
//   worker->write_stdin(request + "\n");
//   auto reply = worker->read_until(Stream::kStdout, "\n", std::chrono::seconds(30));
//
// A Process destroyed while its child runs kills the child (its whole group when it has one)
// and reaps it. One Process is used by one thread at a time, like a std::fstream.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/process/exit_status.h"
#include "common/process/stdio.h"
#include "common/status.h"

namespace hvo::process {

using Timeout = std::chrono::milliseconds;
inline constexpr Timeout kNoTimeout = Timeout::max();

struct Options {
  // argv[0] is the program: a path, or a bare name looked up on the child's PATH. Each entry
  // reaches the child as one argument, byte for byte: no shell ever parses them.
  std::vector<std::string> argv;
  // Added to the parent's environment, replacing variables of the same name.
  std::map<std::string, std::string> env;
  bool inherit_env = true;  // false: the child sees only `env`
  std::string working_dir;  // empty: the parent's
  Stdio std_in = Stdio::null();
  Stdio std_out = Stdio::inherit();
  Stdio std_err = Stdio::inherit();
  // Start the child in a process group of its own (POSIX) or job object (Windows), so
  // terminate/kill/stop and the destructor reach everything it started too.
  bool new_process_group = false;
};

enum class Stream { kStdout, kStderr };

struct Output {
  std::string out;
  std::string err;
};

class Process {
 public:
  // Starts the child. Errors name the program and the step that failed (PATH lookup, opening a
  // file for a stream, chdir, exec).
  static Result<Process> spawn(const Options& options);

  Process(Process&& other) noexcept;
  Process& operator=(Process&& other) noexcept;
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  ~Process();

  int pid() const;
  // True until the child has exited; reaps it without blocking once it has.
  bool running();

  // Writes all of `data` to the child's stdin (which must be a pipe). kTimeout when the child
  // did not take it in time, kUnavailable when the child closed its end.
  Status write_stdin(std::string_view data, Timeout timeout = kNoTimeout);
  // Closes stdin so the child reads end of file. Idempotent.
  void close_stdin();

  // Waits up to `timeout` for output on a piped stream and returns what arrived (at least one
  // byte). An empty string means the stream reached end of file; kTimeout means nothing came.
  Result<std::string> read_some(Stream stream, Timeout timeout);
  // Reads until `delimiter` and returns the text up to and including it; bytes after it stay
  // for the next read. kTimeout when it did not arrive in time (what came stays buffered);
  // kUnavailable when the stream ended first.
  Result<std::string> read_until(Stream stream, std::string_view delimiter, Timeout timeout);
  // Reads the piped streams (stdout and stderr together, so a child filling one never blocks
  // on the other) to end of file. kTimeout if they are still open when the timeout expires.
  Result<Output> read_all(Timeout timeout);
  // Like read_all, but first feeds `input` to stdin and closes it, interleaved with the reads
  // so large inputs and outputs cannot deadlock.
  Result<Output> communicate(std::string_view input, Timeout timeout);

#ifndef _WIN32
  // Sends a POSIX signal to the child, or to its group when it has one.
  Status signal(int signal_number);
#endif
  // Asks the child to stop: SIGTERM on POSIX. On Windows there is no such request for a
  // console program, so it is the same as kill().
  Status terminate();
  // Ends the child at once: SIGKILL on POSIX, TerminateProcess / TerminateJobObject on Windows.
  Status kill();
  // Waits for the child to exit and reaps it. kTimeout while it still runs.
  Result<ExitStatus> wait(Timeout timeout = kNoTimeout);
  // terminate(), wait up to `grace`, then kill() and wait. Always returns with the child reaped.
  ExitStatus stop(Timeout grace);

 private:
  class Impl;
  explicit Process(std::unique_ptr<Impl> impl);
  // The platform's halves of read_some and communicate/read_all, below the shared buffering.
  Result<std::string> read_pipe(Stream stream, Timeout timeout);
  // On timeout, pump appends the output that did arrive to the buffers.
  Result<Output> pump(std::string_view input, bool feed_stdin, Timeout timeout);
  Result<Output> communicate_impl(std::string_view input, bool feed_stdin, Timeout timeout);
  // Bytes read past a delimiter, waiting for the next read_some / read_until.
  std::string& buffer(Stream stream) {
    return stream == Stream::kStdout ? stdout_buffer_ : stderr_buffer_;
  }

  std::unique_ptr<Impl> impl_;
  std::string stdout_buffer_;
  std::string stderr_buffer_;
};

}  // namespace hvo::process
