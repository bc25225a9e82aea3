#include "common/process/executable_path.h"

#include <cstdlib>
#include <filesystem>
#include <vector>

#include "common/process/environment.h"

#ifdef _WIN32
#include "common/process/windows_handle.h"
#else
#include <unistd.h>
#endif

namespace hvo::process {
namespace {

#ifdef _WIN32
constexpr char kListSeparator = ';';
#else
constexpr char kListSeparator = ':';
#endif

std::vector<std::string> split(const std::string& list, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(separator, start);
    if (end == std::string::npos) {
      end = list.size();
    }
    if (end > start) {
      parts.push_back(list.substr(start, end - start));
    }
    start = end + 1;
  }
  return parts;
}

bool is_executable_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return false;
  }
#ifdef _WIN32
  return true;  // Windows decides by extension, which the PATHEXT candidates already carry
#else
  return access(path.c_str(), X_OK) == 0;
#endif
}

// The file names to try for `name` in one directory.
std::vector<std::string> candidates(const std::string& name) {
#ifdef _WIN32
  if (std::filesystem::path(name).has_extension()) {
    return {name};
  }
  const char* pathext = std::getenv("PATHEXT");
  std::vector<std::string> names;
  for (const auto& ext : split(pathext ? pathext : ".COM;.EXE;.BAT;.CMD", ';')) {
    names.push_back(name + ext);
  }
  return names;
#else
  return {name};
#endif
}

bool has_directory_part(const std::string& name) {
#ifdef _WIN32
  return name.find_first_of("/\\") != std::string::npos;
#else
  return name.find('/') != std::string::npos;
#endif
}

}  // namespace

std::optional<std::string> find_executable_in(const std::string& name,
                                              const std::string& path_list) {
  if (name.empty()) {
    return std::nullopt;
  }
  if (has_directory_part(name)) {
    for (const auto& candidate : candidates(name)) {
      if (is_executable_file(candidate)) {
        return candidate;
      }
    }
    return std::nullopt;
  }
  for (const auto& dir : split(path_list, kListSeparator)) {
    for (const auto& candidate : candidates(name)) {
      const std::filesystem::path full = std::filesystem::path(dir) / candidate;
      if (is_executable_file(full)) {
        return full.string();
      }
    }
  }
  return std::nullopt;
}

std::optional<std::string> find_executable(const std::string& name) {
  const char* path = std::getenv("PATH");
  return find_executable_in(name, path ? path : "");
}

Result<std::string> resolve_program(const std::string& name,
                                    const std::vector<std::string>& child_env,
                                    bool case_insensitive_names) {
  std::string search_path = environment_value(child_env, "PATH", case_insensitive_names);
  if (search_path.empty()) {
    const char* own = std::getenv("PATH");
    search_path = own ? own : "";
  }
  if (auto program = find_executable_in(name, search_path)) {
    return *program;
  }
  return Error(ErrorCode::kNotFound,
               "start " + name + ": " +
                   (has_directory_part(name) ? "not an executable file"
                                             : "not found on PATH " + search_path));
}

Result<std::string> current_executable_path() {
#ifdef _WIN32
  std::wstring buffer(MAX_PATH, L'\0');
  while (true) {
    const DWORD size =
        GetModuleFileNameW(nullptr, buffer.data(), static_cast<DWORD>(buffer.size()));
    if (size == 0)
      return Error(ErrorCode::kNotFound, "GetModuleFileNameW failed");
    if (size < buffer.size()) {
      buffer.resize(size);
      return to_utf8(buffer);
    }
    buffer.resize(buffer.size() * 2);  // truncated: try a larger buffer
  }
#else
  std::error_code ec;
  const auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec)
    return Error(ErrorCode::kNotFound, "read /proc/self/exe: " + ec.message());
  return path.string();
#endif
}

}  // namespace hvo::process
