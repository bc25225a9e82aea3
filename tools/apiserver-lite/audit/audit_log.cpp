#include "tools/apiserver-lite/audit/audit_log.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>

namespace hvo::apiserver {

Result<std::shared_ptr<AuditLog>> AuditLog::open(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "a");
  if (!file) {
    return Error(ErrorCode::kInvalidArgument,
                 "audit log " + path + ": cannot be opened: " + std::strerror(errno));
  }
  return std::shared_ptr<AuditLog>(new AuditLog(file, path));
}

AuditLog::~AuditLog() {
  std::fclose(file_);
}

void AuditLog::write(const nlohmann::json& event) {
  // Invalid UTF-8 from a client (a path, a user agent) must not throw: replace it.
  std::string line = event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line += '\n';
  std::lock_guard<std::mutex> lock(mutex_);
  const bool ok =
      std::fwrite(line.data(), 1, line.size(), file_) == line.size() && std::fflush(file_) == 0;
  if (!ok && !write_failed_) {
    // Logged once: a full disk would otherwise flood the server log too.
    spdlog::error("audit_log_write_failed path={} error={}", path_, std::strerror(errno));
  }
  write_failed_ = !ok;
}

}  // namespace hvo::apiserver
