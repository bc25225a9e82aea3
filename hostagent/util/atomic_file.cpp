#include "hostagent/util/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#include <windows.h>
#else
#include <fcntl.h>
#include <unistd.h>
#endif

namespace hvo::agent {
namespace {

Error io_error(const std::string& what, const std::string& path) {
  return Error(ErrorCode::kInternal, what + " " + path + ": " + std::strerror(errno));
}

#ifdef _WIN32
Status write_and_flush(const std::string& path, std::string_view content) {
  const int fd = _open(path.c_str(), _O_WRONLY | _O_CREAT | _O_TRUNC | _O_BINARY, 0600);
  if (fd < 0)
    return io_error("cannot create", path);
  const bool written = _write(fd, content.data(), static_cast<unsigned>(content.size())) ==
                           static_cast<int>(content.size()) &&
                       _commit(fd) == 0;
  _close(fd);
  if (!written)
    return io_error("cannot write", path);
  return OkStatus();
}

Status replace(const std::string& from, const std::string& to) {
  if (!MoveFileExA(from.c_str(), to.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
    return Error(ErrorCode::kInternal, "cannot rename " + from + " to " + to + ": error " +
                                           std::to_string(GetLastError()));
  }
  return OkStatus();
}
#else
Status write_and_flush(const std::string& path, std::string_view content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return io_error("cannot create", path);
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      const auto error = io_error("cannot write", path);
      ::close(fd);
      return error;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const auto error = io_error("cannot flush", path);
    ::close(fd);
    return error;
  }
  ::close(fd);
  return OkStatus();
}

Status replace(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0)
    return io_error("cannot rename " + from + " to", to);
  // The rename is durable only once the directory itself is flushed.
  const auto dir = std::filesystem::path(to).parent_path();
  const int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return OkStatus();
}
#endif

}  // namespace

Status write_file_atomically(const std::string& path, std::string_view content) {
  const std::string temp = path + ".tmp";
  if (auto status = write_and_flush(temp, content); !status.ok())
    return status;
  if (auto status = replace(temp, path); !status.ok()) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    return status;
  }
  return OkStatus();
}

Result<std::string> read_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Error(ErrorCode::kNotFound, "file " + path + " does not exist");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return io_error("cannot open", path);
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad())
    return io_error("cannot read", path);
  return content.str();
}

}  // namespace hvo::agent
