#include "common/process/posix_io.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace hvo::process {
namespace {

constexpr size_t kReadChunk = 64 * 1024;

Error errno_error(const std::string& what, const char* call, int err) {
  return Error(ErrorCode::kInternal, what + ": " + call + ": " + std::strerror(err));
}

// Blocks SIGPIPE in this thread for its lifetime. A write to a pipe whose reader is gone then
// fails with EPIPE instead of killing the process; the SIGPIPE it raised is taken off the
// pending set before the old mask comes back (unless one was already pending for someone
// else). The usual technique for libraries that must not touch the process-wide disposition.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_only, &old_mask_);
  }
  ~SigpipeBlock() {
    if (raised_ && !was_pending_) {
      sigset_t pipe_only;
      sigemptyset(&pipe_only);
      sigaddset(&pipe_only, SIGPIPE);
      const timespec no_wait{0, 0};
      while (sigtimedwait(&pipe_only, nullptr, &no_wait) == -1 && errno == EINTR) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }
  void note_epipe() { raised_ = true; }

 private:
  sigset_t old_mask_;
  bool was_pending_ = false;
  bool raised_ = false;
};

// Waits for `events` on fd until the deadline. True when ready, false on timeout.
Result<bool> wait_for(int fd, short events, const Deadline& deadline, const std::string& what) {
  for (;;) {
    pollfd entry{fd, events, 0};
    const int ready = ::poll(&entry, 1, deadline.poll_timeout_ms());
    if (ready > 0) {
      return true;
    }
    if (ready == 0) {
      if (deadline.expired()) {
        return false;
      }
      continue;  // poll's millisecond rounding woke us a little early
    }
    if (errno != EINTR) {
      return errno_error(what, "poll", errno);
    }
  }
}

}  // namespace

Status set_nonblocking(int fd) {
  const int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
    return errno_error("pipe", "fcntl(O_NONBLOCK)", errno);
  }
  return OkStatus();
}

Result<std::string> read_available(int fd, const Deadline& deadline, const std::string& what) {
  std::string buf(kReadChunk, '\0');
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n >= 0) {
      buf.resize(static_cast<size_t>(n));
      return buf;
    }
    if (errno == EINTR) {
      continue;
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      return errno_error(what, "read", errno);
    }
    auto ready = wait_for(fd, POLLIN, deadline, what);
    if (!ready.ok()) {
      return ready.error();
    }
    if (!*ready) {
      return Error(ErrorCode::kTimeout, what + ": no output before the deadline");
    }
  }
}

Result<size_t> write_some(int fd, std::string_view data, const std::string& what) {
  SigpipeBlock block;
  for (;;) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n >= 0) {
      return static_cast<size_t>(n);
    }
    if (errno == EINTR) {
      continue;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      return size_t{0};
    }
    if (errno == EPIPE) {
      block.note_epipe();
      return Error(ErrorCode::kUnavailable, what + ": the child closed its end of the pipe");
    }
    return errno_error(what, "write", errno);
  }
}

Status write_all(int fd, std::string_view data, const Deadline& deadline, const std::string& what) {
  while (!data.empty()) {
    auto written = write_some(fd, data, what);
    if (!written.ok()) {
      return written.error();
    }
    data.remove_prefix(*written);
    if (data.empty()) {
      break;
    }
    auto ready = wait_for(fd, POLLOUT, deadline, what);
    if (!ready.ok()) {
      return ready.error();
    }
    if (!*ready) {
      return Error(ErrorCode::kTimeout, what + ": the child did not read its input in time");
    }
  }
  return OkStatus();
}

}  // namespace hvo::process
