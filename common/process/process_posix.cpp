// Process on POSIX: fork/exec (posix_launch.cpp), non-blocking pipes driven by poll
// (posix_io.cpp), waitpid for the exit status.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <thread>

#include "common/process/deadline.h"
#include "common/process/environment.h"
#include "common/process/executable_path.h"
#include "common/process/posix_fd.h"
#include "common/process/posix_io.h"
#include "common/process/posix_launch.h"
#include "common/process/process.h"

extern char** environ;

namespace hvo::process {

class Process::Impl {
 public:
  pid_t pid = -1;
  bool group = false;
  std::string label;  // "process 42 (cat)", the prefix of every error about this child
  UniqueFd in;        // parent's ends of the pipes; invalid when that stream is not a pipe
  UniqueFd out;
  UniqueFd err;
  std::optional<ExitStatus> exit;  // set once the child has been reaped

  UniqueFd& pipe_of(Stream stream) { return stream == Stream::kStdout ? out : err; }
  std::string what(Stream stream) const {
    return (stream == Stream::kStdout ? "stdout of " : "stderr of ") + label;
  }

  // waitpid with `flags`; true once the child has been reaped.
  bool reap(int flags) {
    if (exit) {
      return true;
    }
    int status = 0;
    pid_t result;
    do {
      result = waitpid(pid, &status, flags);
    } while (result < 0 && errno == EINTR);
    if (result == 0) {
      return false;
    }
    if (result < 0) {
      // ECHILD: reaped behind our back (SIGCHLD set to SIG_IGN); how it ended is lost.
      exit = ExitStatus{-1, 0};
    } else if (WIFSIGNALED(status)) {
      exit = ExitStatus{-1, WTERMSIG(status)};
    } else {
      exit = ExitStatus{WEXITSTATUS(status), 0};
    }
    return true;
  }

  Status send(int signal_number) {
    // Once reaped, the pid may already belong to another process: never signal it. A group is
    // still signalled, to reach what the child left running (the group id stays reserved while
    // any member lives).
    if (exit && !group) {
      return OkStatus();
    }
    const pid_t target = group ? -pid : pid;
    if (::kill(target, signal_number) != 0 && errno != ESRCH) {
      return Error(ErrorCode::kInternal, label + ": kill(" + std::to_string(signal_number) +
                                             "): " + std::strerror(errno));
    }
    return OkStatus();
  }
};

namespace {

std::vector<std::string> parent_environment() {
  std::vector<std::string> entries;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    entries.emplace_back(*entry);
  }
  return entries;
}

const char* stream_name(int target) {
  static const char* const kNames[] = {"stdin", "stdout", "stderr"};
  return kNames[target];
}

// The descriptors for one standard stream: the child's end (to dup2 onto 0, 1 or 2) and, for
// a pipe, the parent's end.
struct StreamEnds {
  UniqueFd child;
  UniqueFd parent;
};

Result<StreamEnds> open_stream(const Stdio& stdio, int target, const std::string& program) {
  const bool is_input = target == 0;
  StreamEnds ends;
  auto failed = [&](const std::string& step) {
    return Error(ErrorCode::kInvalidArgument, "start " + program + ": " + stream_name(target) +
                                                  ": " + step + ": " + std::strerror(errno));
  };
  switch (stdio.kind) {
    case Stdio::Kind::kInherit:
      return ends;
    case Stdio::Kind::kNull:
      ends.child = UniqueFd(open("/dev/null", O_RDWR | O_CLOEXEC));
      if (!ends.child.valid()) {
        return failed("open /dev/null");
      }
      break;
    case Stdio::Kind::kFile: {
      const int flags =
          is_input ? O_RDONLY : O_WRONLY | O_CREAT | (stdio.append ? O_APPEND : O_TRUNC);
      ends.child = UniqueFd(open(stdio.path.c_str(), flags | O_CLOEXEC, 0644));
      if (!ends.child.valid()) {
        return failed("open " + stdio.path);
      }
      break;
    }
    case Stdio::Kind::kPipe: {
      int fds[2];
      if (pipe2(fds, O_CLOEXEC) != 0) {
        return failed("pipe2");
      }
      // fds[0] is the read end: the child's for stdin, the parent's for stdout and stderr.
      ends.child = UniqueFd(is_input ? fds[0] : fds[1]);
      ends.parent = UniqueFd(is_input ? fds[1] : fds[0]);
      if (auto status = set_nonblocking(ends.parent.get()); !status.ok()) {
        return status.error();
      }
      break;
    }
  }
  ends.child = above_stdio(std::move(ends.child));
  if (!ends.child.valid()) {
    return failed("fcntl(F_DUPFD_CLOEXEC)");
  }
  return ends;
}

}  // namespace

Result<Process> Process::spawn(const Options& options) {
  if (options.argv.empty() || options.argv[0].empty()) {
    return Error(ErrorCode::kInvalidArgument, "start: argv is empty");
  }
  const std::string& name = options.argv[0];
  LaunchPlan plan;
  plan.argv = options.argv;
  plan.env = merge_environment(
      options.inherit_env ? parent_environment() : std::vector<std::string>{}, options.env, false);
  plan.working_dir = options.working_dir;
  plan.new_process_group = options.new_process_group;

  auto program = resolve_program(name, plan.env, false);
  if (!program.ok()) {
    return program.error();
  }
  plan.program = std::move(*program);

  StreamEnds streams[3];
  const Stdio* configs[3] = {&options.std_in, &options.std_out, &options.std_err};
  for (int target = 0; target < 3; ++target) {
    auto ends = open_stream(*configs[target], target, name);
    if (!ends.ok()) {
      return ends.error();
    }
    streams[target] = std::move(*ends);
    plan.stdio[target] = streams[target].child.get();
  }

  auto pid = launch(plan);
  if (!pid.ok()) {
    return pid.error();
  }
  auto impl = std::make_unique<Impl>();
  impl->pid = *pid;
  impl->group = options.new_process_group;
  impl->label = "process " + std::to_string(*pid) + " (" + name + ")";
  impl->in = std::move(streams[0].parent);
  impl->out = std::move(streams[1].parent);
  impl->err = std::move(streams[2].parent);
  // The child's ends close as `streams` goes out of scope: the child holds its own copies, and
  // a reader sees end of file only once every writer is gone.
  return Process(std::move(impl));
}

Process::Process(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Process::Process(Process&& other) noexcept = default;
Process& Process::operator=(Process&& other) noexcept = default;

Process::~Process() {
  if (!impl_) {
    return;  // moved from
  }
  if (!impl_->reap(WNOHANG)) {
    (void)impl_->send(SIGKILL);
    impl_->reap(0);
  }
  if (impl_->group) {
    (void)impl_->send(SIGKILL);  // whatever the child left behind in its group
  }
}

int Process::pid() const {
  return impl_->pid;
}

bool Process::running() {
  return !impl_->reap(WNOHANG);
}

Status Process::write_stdin(std::string_view data, Timeout timeout) {
  if (!impl_->in.valid()) {
    return Error(ErrorCode::kInvalidArgument,
                 "stdin of " + impl_->label + " is not a pipe, or was closed");
  }
  return write_all(impl_->in.get(), data, Deadline(timeout), "stdin of " + impl_->label);
}

void Process::close_stdin() {
  impl_->in.reset();
}

Result<std::string> Process::read_pipe(Stream stream, Timeout timeout) {
  const UniqueFd& fd = impl_->pipe_of(stream);
  if (!fd.valid()) {
    return Error(ErrorCode::kInvalidArgument, impl_->what(stream) + " is not a pipe");
  }
  return read_available(fd.get(), Deadline(timeout), impl_->what(stream));
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

  while (feeding || reading[0] || reading[1]) {
    pollfd fds[3];
    nfds_t count = 0;
    if (feeding) {
      fds[count++] = {impl_->in.get(), POLLOUT, 0};
    }
    for (int i = 0; i < 2; ++i) {
      if (reading[i]) {
        fds[count++] = {impl_->pipe_of(streams[i]).get(), POLLIN, 0};
      }
    }
    const int ready = ::poll(fds, count, deadline.poll_timeout_ms());
    if (ready < 0 && errno != EINTR) {
      return Error(ErrorCode::kInternal, impl_->label + ": poll: " + std::strerror(errno));
    }
    if (ready <= 0) {
      if (deadline.expired()) {
        stdout_buffer_ += output.out;
        stderr_buffer_ += output.err;
        return Error(ErrorCode::kTimeout, impl_->label + ": output still open after " +
                                              std::to_string(timeout.count()) + " ms");
      }
      continue;
    }
    if (feeding) {
      auto written = write_some(impl_->in.get(), input, "stdin of " + impl_->label);
      // A child that closes its stdin early just does not want the rest: not an error here.
      if (written.ok()) {
        input.remove_prefix(*written);
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
      // Deadline(0): take what is there now; poll above decides when to come back.
      auto chunk = read_available(impl_->pipe_of(streams[i]).get(),
                                  Deadline(std::chrono::milliseconds(0)), impl_->what(streams[i]));
      if (chunk.ok()) {
        if (chunk->empty()) {
          reading[i] = false;  // end of file
        }
        *sinks[i] += *chunk;
      } else if (chunk.error().code() != ErrorCode::kTimeout) {
        return chunk.error();
      }
    }
  }
  return output;
}

Status Process::signal(int signal_number) {
  return impl_->send(signal_number);
}
Status Process::terminate() {
  return impl_->send(SIGTERM);
}
Status Process::kill() {
  return impl_->send(SIGKILL);
}

Result<ExitStatus> Process::wait(Timeout timeout) {
  if (timeout == kNoTimeout) {
    impl_->reap(0);
    return *impl_->exit;
  }
  // waitpid has no timeout: poll it, sleeping 1 ms at first and doubling up to 50 ms, which
  // notices a quick exit at once and costs little on a long wait.
  const Deadline deadline(timeout);
  auto pause = std::chrono::milliseconds(1);
  while (!impl_->reap(WNOHANG)) {
    if (deadline.expired()) {
      return Error(ErrorCode::kTimeout, impl_->label + " still running after " +
                                            std::to_string(timeout.count()) + " ms");
    }
    std::this_thread::sleep_for(std::min(pause, deadline.remaining()));
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
  return *impl_->exit;
}

}  // namespace hvo::process
