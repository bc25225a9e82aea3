// A tiny service for service_runner_test: prints "running" on stderr, waits until asked to stop,
// prints "stopping" and exits with 7. With the argument "finish" it returns 3 by itself at once.
// stdout carries the runner's log lines.
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>

#include "common/process/service_runner.h"

int main(int argc, char** argv) {
  const bool finish_at_once = argc > 1 && std::string(argv[1]) == "finish";
  std::mutex mu;
  std::condition_variable cv;
  bool stop_requested = false;

  hvo::process::ServiceHooks hooks;
  hooks.run = [&] {
    std::fprintf(stderr, "running\n");
    if (finish_at_once) {
      return 3;
    }
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return stop_requested; });
    std::fprintf(stderr, "stopping\n");
    return 7;
  };
  hooks.stop = [&] {
    std::lock_guard<std::mutex> lock(mu);
    stop_requested = true;
    cv.notify_all();
  };
  return hvo::process::run_as_service("service-probe", hooks);
}
