// Built only on Windows (see CMakeLists.txt).
#include "common/process/windows_io.h"

#include <algorithm>
#include <thread>

#include "common/process/windows_handle.h"

namespace hvo::process {
namespace {

constexpr DWORD kReadChunk = 64 * 1024;
// A non-blocking write larger than the free space may take nothing at all, so stdin is fed in
// pieces small enough to fit once the child has read a little.
constexpr size_t kWriteChunk = 4096;

}  // namespace

void Backoff::sleep(const Deadline& deadline) {
  std::this_thread::sleep_for(std::min(pause_, deadline.remaining()));
  pause_ = std::min(pause_ * 2, std::chrono::milliseconds(20));
}

Result<std::optional<std::string>> read_now(HANDLE pipe, const std::string& what) {
  DWORD available = 0;
  if (!PeekNamedPipe(pipe, nullptr, 0, nullptr, &available, nullptr)) {
    if (GetLastError() == ERROR_BROKEN_PIPE) {
      return std::optional<std::string>(std::string());
    }
    return Error(ErrorCode::kInternal, what + ": " + last_error_text("PeekNamedPipe"));
  }
  if (available == 0) {
    return std::optional<std::string>();
  }
  std::string chunk(std::min(available, kReadChunk), '\0');
  DWORD read = 0;
  if (!ReadFile(pipe, chunk.data(), static_cast<DWORD>(chunk.size()), &read, nullptr)) {
    if (GetLastError() == ERROR_BROKEN_PIPE) {
      return std::optional<std::string>(std::string());
    }
    return Error(ErrorCode::kInternal, what + ": " + last_error_text("ReadFile"));
  }
  chunk.resize(read);
  return std::optional<std::string>(std::move(chunk));
}

Result<size_t> write_now(HANDLE pipe, std::string_view data, const std::string& what) {
  DWORD written = 0;
  const DWORD size = static_cast<DWORD>(std::min(data.size(), kWriteChunk));
  if (!WriteFile(pipe, data.data(), size, &written, nullptr)) {
    const DWORD error = GetLastError();
    if (error == ERROR_NO_DATA || error == ERROR_BROKEN_PIPE) {
      return Error(ErrorCode::kUnavailable, what + ": the child closed its end of the pipe");
    }
    return Error(ErrorCode::kInternal, what + ": " + last_error_text("WriteFile"));
  }
  return static_cast<size_t>(written);
}

}  // namespace hvo::process
