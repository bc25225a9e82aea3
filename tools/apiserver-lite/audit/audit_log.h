// The audit log file (--audit-log-path): one JSON line per event, appended and flushed at once so
// a reader (a test, an RBAC check) sees each request while the server runs. Thread-safe.
#pragma once

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace hvo::apiserver {

class AuditLog {
 public:
  // Opens (creates or appends to) the file; kInvalidArgument naming it when that fails.
  static Result<std::shared_ptr<AuditLog>> open(const std::string& path);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  void write(const nlohmann::json& event);

 private:
  AuditLog(std::FILE* file, std::string path) : file_(file), path_(std::move(path)) {}

  std::mutex mutex_;
  std::FILE* file_;
  std::string path_;
  bool write_failed_ = false;
};

}  // namespace hvo::apiserver
