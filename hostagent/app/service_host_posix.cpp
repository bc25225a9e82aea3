#include <signal.h>
#include <spdlog/spdlog.h>

#include "hostagent/app/service_host.h"

namespace hvo::agent {

int run_until_stopped(const std::string& service_name, const ServiceCallbacks& callbacks) {
  // Block the stop signals in every thread (threads started by start() inherit the mask), then
  // wait for one of them synchronously: no work happens in a signal handler.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  if (auto status = callbacks.start(); !status.ok()) {
    spdlog::critical("start_failed service={} error=\"{}\"", service_name,
                     status.error().message());
    return 1;
  }
  int received = 0;
  sigwait(&stop_signals, &received);
  spdlog::info("stop_requested service={} signal={}", service_name, received);
  callbacks.stop();
  return 0;
}

}  // namespace hvo::agent
