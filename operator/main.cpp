// hyperv-operator: parses flags and environment, sets up logging, and runs the operator as a
// service (SIGTERM or SIGINT stops it gracefully, releasing the leader Lease).
#include <spdlog/spdlog.h>

#include <cstdlib>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/logging/logging.h"
#include "common/net/http_client.h"
#include "common/process/service_runner.h"
#include "operator/app/operator_app.h"
#include "operator/app/options.h"

namespace {
constexpr std::size_t kClientIoThreads = 2;
}  // namespace

int main(int argc, char** argv) {
#if defined(__GLIBC__)
  // glibc gives threads up to 8 malloc arenas per core, and each keeps what its threads freed:
  // at 10,000 VMs that was a tenth of the operator's memory, for no speed a 2-core budget
  // notices. Set before any thread starts (MALLOC_ARENA_MAX still overrides it).
  if (std::getenv("MALLOC_ARENA_MAX") == nullptr)
    mallopt(M_ARENA_MAX, 2);
  // No fastbins (the per-thread tcache still serves small blocks): with them, every large
  // allocation first merges all cached small blocks back, and TLS record buffers (released
  // between records to keep 200 idle host connections small) are large allocations made
  // several times per request; that merging was 7 % of the operator's CPU at 10,000 VMs.
  if (std::getenv("GLIBC_TUNABLES") == nullptr)
    mallopt(M_MXFAST, 0);
#endif
  using namespace hvo::operator_app;
  const std::vector<std::string> args(argv + 1, argv + argc);
  auto options = parse_options(args, [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    return value ? std::optional<std::string>(value) : std::nullopt;
  });
  if (!options.ok()) {
    std::cerr << "hyperv-operator: " << options.error().message() << "\n\n" << usage();
    return 2;
  }
  if (options->show_help) {
    std::cout << usage();
    return 0;
  }
  if (auto logging = hvo::logging::init(options->log_format, options->log_level, "operator");
      !logging.ok()) {
    std::cerr << "hyperv-operator: " << logging.error().message() << "\n";
    return 2;
  }

  // The app starts threads (event recorder, informers), so it is built inside run(): the
  // service runner blocks the stop signals first, and threads inherit that.
  std::mutex mu;
  std::unique_ptr<OperatorApp> app;
  bool stop_requested = false;
  hvo::process::ServiceHooks hooks;
  hooks.run = [&]() -> int {
    // cpprest's I/O pool defaults to 40 threads, and each completion wakes whichever one
    // waits: thread hand-offs were most of an idle operator's CPU (host polls). Two keep a
    // 2-core machine's requests flowing. Started here, after the stop signals are blocked.
    hvo::net::set_client_io_threads(kClientIoThreads);
    auto created = OperatorApp::create(*options);
    if (!created.ok()) {
      spdlog::error("operator_config_invalid error={}", created.error().message());
      return 1;
    }
    OperatorApp* running = nullptr;
    {
      std::lock_guard<std::mutex> lock(mu);
      app = std::move(created).value();
      running = app.get();
      if (stop_requested)
        running->stop();
    }
    return running->run();
  };
  hooks.stop = [&] {
    std::lock_guard<std::mutex> lock(mu);
    stop_requested = true;
    if (app)
      app->stop();
  };
  return hvo::process::run_as_service("hyperv-operator", hooks);
}
