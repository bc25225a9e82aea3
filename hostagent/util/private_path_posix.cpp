#include <sys/stat.h>
#include <sys/types.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "hostagent/util/private_path.h"

namespace hvo::agent {
namespace {

constexpr mode_t kPrivateDirMode = 0700;
constexpr mode_t kOthersAccess = S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH;

std::string system_reason() {
  return std::strerror(errno);
}

}  // namespace

Status create_private_directories(const std::string& dir) {
  if (dir.empty())
    return Error(ErrorCode::kInvalidArgument, "cannot create a folder with an empty path");
  std::filesystem::path partial;
  for (const auto& part : std::filesystem::path(dir)) {
    partial /= part;
    // mkdir's mode is applied at creation (narrowed further by the umask, never widened).
    if (::mkdir(partial.c_str(), kPrivateDirMode) == 0 || errno == EEXIST)
      continue;
    const std::string reason = system_reason();
    std::error_code ec;
    if (std::filesystem::is_directory(partial, ec))
      continue;  // an existing parent we may not write into (EACCES before EEXIST)
    return Error(ErrorCode::kInvalidArgument, "cannot create " + partial.string() + ": " + reason);
  }
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    return Error(ErrorCode::kInvalidArgument, "cannot create " + dir + ": not a folder");
  }
  return OkStatus();
}

Status restrict_directory(const std::string& dir) {
  if (::chmod(dir.c_str(), kPrivateDirMode) != 0) {
    return Error(ErrorCode::kInvalidArgument,
                 "cannot restrict " + dir + " to its owner: " + system_reason());
  }
  return OkStatus();
}

Status check_private_file(const std::string& path, const std::string& what) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    return Error(ErrorCode::kInvalidArgument,
                 what + ": cannot check " + path + ": " + system_reason());
  }
  const mode_t others = info.st_mode & kOthersAccess;
  if (others == 0)
    return OkStatus();
  std::string who;
  if (others & (S_IRGRP | S_IWGRP))
    who = "its group";
  if (others & (S_IROTH | S_IWOTH))
    who += std::string(who.empty() ? "" : " and ") + "every local user";
  char mode[8];
  std::snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(info.st_mode & 07777));
  return Error(ErrorCode::kPermissionDenied,
               what + ": " + path + " (mode " + mode + ") can be read or written by " + who +
                   "; the agent does not start with a secret others can read. Fix: chmod 600 " +
                   path);
}

}  // namespace hvo::agent
