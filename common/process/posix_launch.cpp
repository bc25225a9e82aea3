#include "common/process/posix_launch.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "common/process/posix_fd.h"

namespace hvo::process {
namespace {

// What the child reports through the error pipe when a step before exec fails.
enum class ChildStep : int { kSetProcessGroup, kRedirectStdio, kChdir, kExec };

struct ChildFailure {
  ChildStep step;
  int error;
};

const char* describe(ChildStep step) {
  switch (step) {
    case ChildStep::kSetProcessGroup:
      return "setpgid";
    case ChildStep::kRedirectStdio:
      return "redirecting stdio";
    case ChildStep::kChdir:
      return "chdir";
    case ChildStep::kExec:
      return "exec";
  }
  return "starting";
}

std::vector<char*> pointers(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (const auto& s : strings) {
    out.push_back(const_cast<char*>(s.c_str()));
  }
  out.push_back(nullptr);
  return out;
}

// Closes every descriptor from `first` up, except `keep`. close_range(2) does it in one call;
// kernels before 5.9 fall back to closing one by one up to the limit the parent looked up.
void close_descriptors_from(int first, int keep, int fallback_limit) {
  const bool done =
      (keep <= first || close_range(first, keep - 1, 0) == 0) && close_range(keep + 1, ~0U, 0) == 0;
  if (done) {
    return;
  }
  for (int fd = first; fd < fallback_limit; ++fd) {
    if (fd != keep) {
      close(fd);
    }
  }
}

[[noreturn]] void fail_in_child(int report_fd, ChildStep step) {
  const ChildFailure failure{step, errno};
  // Nothing useful can be done if this write fails: the parent then sees a child that exited
  // with 127 before exec reported anything, and reports that.
  [[maybe_unused]] const ssize_t n = write(report_fd, &failure, sizeof(failure));
  _exit(127);
}

// The child's side, from fork to exec. Async-signal-safe calls only.
[[noreturn]] void run_child(const LaunchPlan& plan, char* const* argv, char* const* envp,
                            int report_fd, int fd_limit) {
  if (plan.new_process_group && setpgid(0, 0) != 0) {
    fail_in_child(report_fd, ChildStep::kSetProcessGroup);
  }
  // Handlers installed by the parent mean nothing after exec, but an ignored SIGPIPE or SIGINT
  // would be inherited; every signal goes back to its default before the mask is lifted.
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) {
    sigaction(sig, &default_action, nullptr);  // fails harmlessly for SIGKILL, SIGSTOP
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);

  // The parent moved every source descriptor above 2, so no dup2 here overwrites another's
  // source. dup2 leaves the copy without FD_CLOEXEC, so it survives exec.
  for (int target = 0; target < 3; ++target) {
    if (plan.stdio[target] >= 0 && dup2(plan.stdio[target], target) < 0) {
      fail_in_child(report_fd, ChildStep::kRedirectStdio);
    }
  }
  if (!plan.working_dir.empty() && chdir(plan.working_dir.c_str()) != 0) {
    fail_in_child(report_fd, ChildStep::kChdir);
  }
  close_descriptors_from(3, report_fd, fd_limit);
  execve(plan.program.c_str(), argv, envp);
  fail_in_child(report_fd, ChildStep::kExec);
}

int descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY ||
      limit.rlim_cur > INT_MAX) {
    return 65536;
  }
  return static_cast<int>(limit.rlim_cur);
}

}  // namespace

Result<pid_t> launch(const LaunchPlan& plan) {
  const std::vector<char*> argv = pointers(plan.argv);
  const std::vector<char*> envp = pointers(plan.env);
  const int fd_limit = descriptor_limit();

  int report_pipe[2];
  if (pipe2(report_pipe, O_CLOEXEC) != 0) {
    return Error(ErrorCode::kInternal,
                 "start " + plan.program + ": pipe2: " + std::strerror(errno));
  }
  UniqueFd report_read(report_pipe[0]);
  UniqueFd report_write = above_stdio(UniqueFd(report_pipe[1]));
  if (!report_write.valid()) {
    return Error(ErrorCode::kInternal,
                 "start " + plan.program + ": fcntl(F_DUPFD_CLOEXEC): " + std::strerror(errno));
  }

  // Signals stay blocked from fork until the child has reset their handlers, so no handler of
  // the parent ever runs inside the child.
  sigset_t all;
  sigset_t old_mask;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old_mask);
  const pid_t pid = fork();
  if (pid == 0) {
    run_child(plan, argv.data(), envp.data(), report_write.get(), fd_limit);
  }
  const int fork_errno = errno;
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  if (pid < 0) {
    return Error(ErrorCode::kResourceExhausted,
                 "start " + plan.program + ": fork: " + std::strerror(fork_errno));
  }

  // The write end closes in the child at exec (O_CLOEXEC): end of file with nothing read means
  // exec succeeded; a ChildFailure means it never got there.
  report_write.reset();
  ChildFailure failure{};
  ssize_t n;
  do {
    n = read(report_read.get(), &failure, sizeof(failure));
  } while (n < 0 && errno == EINTR);
  if (n == 0) {
    return pid;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (n != static_cast<ssize_t>(sizeof(failure))) {
    return Error(ErrorCode::kInternal, "start " + plan.program + ": the child failed before exec");
  }
  std::string message = "start " + plan.program + ": " + describe(failure.step);
  if (failure.step == ChildStep::kChdir) {
    message += " " + plan.working_dir;
  }
  message += std::string(": ") + std::strerror(failure.error);
  const bool not_found = failure.error == ENOENT || failure.error == ENOTDIR;
  return Error(not_found ? ErrorCode::kNotFound : ErrorCode::kInternal, message);
}

}  // namespace hvo::process
