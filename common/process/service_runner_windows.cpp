// run_as_service on Windows. Built only on Windows (see CMakeLists.txt).
//
// StartServiceCtrlDispatcherW connects to the Service Control Manager and calls ServiceMain on
// a thread of its own; ServiceMain takes no pointer of ours, so the one service this process
// runs is reached through a file-local pointer, set for the duration of run_as_service. When
// the process was not started by the SCM the dispatcher fails at once with
// ERROR_FAILED_SERVICE_CONTROLLER_CONNECT, and the program runs as a console program.
#include <windows.h>

#include <mutex>

#include <spdlog/spdlog.h>

#include "common/process/service_runner.h"
#include "common/process/windows_handle.h"

namespace hvo::process {
namespace {

// How long the SCM should wait for the stop before it considers the service hung.
constexpr DWORD kStopWaitHintMs = 30000;

struct ServiceContext {
  std::string name;
  std::wstring wide_name;
  const ServiceHooks* hooks = nullptr;
  SERVICE_STATUS_HANDLE status_handle = nullptr;
  std::mutex status_mu;  // status is reported from ServiceMain and from the control handler
  SERVICE_STATUS status{};
  std::once_flag stop_once;
  int exit_code = 0;
};

ServiceContext* current_service = nullptr;

void report(ServiceContext& service, DWORD state, DWORD wait_hint_ms = 0) {
  std::lock_guard<std::mutex> lock(service.status_mu);
  service.status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  service.status.dwCurrentState = state;
  service.status.dwControlsAccepted =
      state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
  service.status.dwWaitHint = wait_hint_ms;
  if (state == SERVICE_STOPPED && service.exit_code != 0) {
    service.status.dwWin32ExitCode = ERROR_SERVICE_SPECIFIC_ERROR;
    service.status.dwServiceSpecificExitCode = static_cast<DWORD>(service.exit_code);
  }
  SetServiceStatus(service.status_handle, &service.status);
}

void request_stop(ServiceContext& service, const char* reason) {
  std::call_once(service.stop_once, [&] {
    spdlog::info("service_stop_requested service={} reason={}", service.name, reason);
    service.hooks->stop();
  });
}

DWORD WINAPI control_handler(DWORD control, DWORD, LPVOID, LPVOID context) {
  auto& service = *static_cast<ServiceContext*>(context);
  switch (control) {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_SHUTDOWN:
      report(service, SERVICE_STOP_PENDING, kStopWaitHintMs);
      request_stop(service, control == SERVICE_CONTROL_STOP ? "stop" : "shutdown");
      return NO_ERROR;
    case SERVICE_CONTROL_INTERROGATE:
      return NO_ERROR;
    default:
      return ERROR_CALL_NOT_IMPLEMENTED;
  }
}

void WINAPI service_main(DWORD, LPWSTR*) {
  ServiceContext& service = *current_service;
  service.status_handle =
      RegisterServiceCtrlHandlerExW(service.wide_name.c_str(), control_handler, &service);
  if (service.status_handle == nullptr) {
    spdlog::error("service_register_failed service={} error={}", service.name,
                  last_error_text("RegisterServiceCtrlHandlerExW"));
    service.exit_code = 1;
    return;
  }
  report(service, SERVICE_RUNNING);
  spdlog::info("service_started service={} mode=scm", service.name);
  service.exit_code = service.hooks->run();
  spdlog::info("service_stopped service={} exit_code={}", service.name, service.exit_code);
  report(service, SERVICE_STOPPED);
}

BOOL WINAPI console_handler(DWORD event) {
  switch (event) {
    case CTRL_C_EVENT:
    case CTRL_BREAK_EVENT:
    case CTRL_CLOSE_EVENT:
    case CTRL_SHUTDOWN_EVENT:
      request_stop(*current_service, "console");
      return TRUE;
    default:
      return FALSE;
  }
}

}  // namespace

int run_as_service(const std::string& name, const ServiceHooks& hooks) {
  ServiceContext service;
  service.name = name;
  service.wide_name = to_utf16(name);
  service.hooks = &hooks;
  current_service = &service;

  SERVICE_TABLE_ENTRYW table[] = {{service.wide_name.data(), service_main}, {nullptr, nullptr}};
  if (StartServiceCtrlDispatcherW(table)) {
    current_service = nullptr;
    return service.exit_code;  // ServiceMain has run and returned
  }
  if (GetLastError() != ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
    spdlog::error("service_dispatcher_failed service={} error={}", name,
                  last_error_text("StartServiceCtrlDispatcherW"));
    current_service = nullptr;
    return 1;
  }

  SetConsoleCtrlHandler(console_handler, TRUE);
  spdlog::info("service_started service={} mode=console", name);
  const int exit_code = hooks.run();
  SetConsoleCtrlHandler(console_handler, FALSE);
  spdlog::info("service_stopped service={} exit_code={}", name, exit_code);
  current_service = nullptr;
  return exit_code;
}

}  // namespace hvo::process
