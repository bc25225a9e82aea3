#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cerrno>
#include <ctime>
#include <thread>

#include <spdlog/spdlog.h>

#include "common/process/service_runner.h"

namespace hvo::process {
namespace {

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

// Takes stop signals that arrived after the first (or after `run` returned) off the pending
// set, so restoring the old mask does not deliver them and end the process.
void discard_pending(const sigset_t& set) {
  const timespec no_wait{0, 0};
  while (sigtimedwait(&set, nullptr, &no_wait) > 0 || errno == EINTR) {
  }
}

}  // namespace

int run_as_service(const std::string& name, const ServiceHooks& hooks) {
  const sigset_t signals = stop_signals();
  sigset_t old_mask;
  pthread_sigmask(SIG_BLOCK, &signals, &old_mask);

  // The waiter takes the stop signals synchronously with sigwait, so `stop` runs on an ordinary
  // thread and may lock, log and allocate (a signal handler could do none of that).
  std::atomic<bool> finished{false};
  std::atomic<bool> stop_requested{false};
  std::thread waiter([&] {
    int signal_number = 0;
    if (sigwait(&signals, &signal_number) != 0 || finished.load()) {
      return;
    }
    stop_requested = true;
    spdlog::info("service_stop_requested service={} signal={}", name,
                 signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
    hooks.stop();
  });

  // The waiter must be woken and joined however `run` ends, or ~thread would terminate us.
  auto finish = [&] {
    finished = true;
    pthread_kill(waiter.native_handle(), SIGTERM);  // blocked there too: sigwait returns it
    waiter.join();
    // Once a stop was asked for, the process is on its way out: a repeated stop signal (systemd
    // and kubelet both resend) may still be in flight and must not end it with a signal status
    // in place of the exit code `run` chose, so the stop signals stay blocked from here on.
    if (stop_requested.load()) {
      return;
    }
    discard_pending(signals);
    pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  };
  spdlog::info("service_started service={}", name);
  int exit_code = 0;
  try {
    exit_code = hooks.run();
  } catch (...) {
    finish();
    throw;
  }
  finish();
  spdlog::info("service_stopped service={} exit_code={}", name, exit_code);
  return exit_code;
}

}  // namespace hvo::process
