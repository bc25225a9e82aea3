// Windows: run as a service when the Service Control Manager started us, else in a console
// until Ctrl-C / Ctrl-Break / console close.
#include <spdlog/spdlog.h>
#include <windows.h>

#include <atomic>
#include <string>

#include "hostagent/app/service_host.h"

namespace hvo::agent {
namespace {

const ServiceCallbacks* g_callbacks = nullptr;  // the SCM calls back without a context pointer
std::wstring g_service_name;
SERVICE_STATUS_HANDLE g_status_handle = nullptr;
HANDLE g_stop_event = nullptr;
int g_exit_code = 0;

void report(DWORD state, DWORD exit_code = NO_ERROR) {
  SERVICE_STATUS status{};
  status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  status.dwCurrentState = state;
  status.dwControlsAccepted =
      state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
  status.dwWin32ExitCode = exit_code;
  status.dwWaitHint = state == SERVICE_RUNNING ? 0 : 30000;
  SetServiceStatus(g_status_handle, &status);
}

DWORD WINAPI control_handler(DWORD control, DWORD, LPVOID, LPVOID) {
  if (control == SERVICE_CONTROL_STOP || control == SERVICE_CONTROL_SHUTDOWN) {
    report(SERVICE_STOP_PENDING);
    SetEvent(g_stop_event);
    return NO_ERROR;
  }
  return control == SERVICE_CONTROL_INTERROGATE ? NO_ERROR : ERROR_CALL_NOT_IMPLEMENTED;
}

void WINAPI service_main(DWORD, LPWSTR*) {
  g_status_handle = RegisterServiceCtrlHandlerExW(g_service_name.c_str(), control_handler, nullptr);
  if (g_status_handle == nullptr)
    return;
  report(SERVICE_START_PENDING);
  if (auto status = g_callbacks->start(); !status.ok()) {
    spdlog::critical("start_failed error=\"{}\"", status.error().message());
    g_exit_code = 1;
    report(SERVICE_STOPPED, ERROR_SERVICE_SPECIFIC_ERROR);
    return;
  }
  report(SERVICE_RUNNING);
  WaitForSingleObject(g_stop_event, INFINITE);
  g_callbacks->stop();
  report(SERVICE_STOPPED);
}

BOOL WINAPI console_handler(DWORD) {
  SetEvent(g_stop_event);
  return TRUE;
}

}  // namespace

int run_until_stopped(const std::string& service_name, const ServiceCallbacks& callbacks) {
  g_callbacks = &callbacks;
  g_service_name.assign(service_name.begin(), service_name.end());
  g_stop_event = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  SERVICE_TABLE_ENTRYW table[] = {{g_service_name.data(), service_main}, {nullptr, nullptr}};
  if (StartServiceCtrlDispatcherW(table))
    return g_exit_code;
  if (GetLastError() != ERROR_FAILED_SERVICE_CONTROLLER_CONNECT)
    return 1;

  // Not started by the SCM: a console run.
  SetConsoleCtrlHandler(console_handler, TRUE);
  if (auto status = callbacks.start(); !status.ok()) {
    spdlog::critical("start_failed service={} error=\"{}\"", service_name,
                     status.error().message());
    return 1;
  }
  WaitForSingleObject(g_stop_event, INFINITE);
  spdlog::info("stop_requested service={}", service_name);
  callbacks.stop();
  return 0;
}

}  // namespace hvo::agent
