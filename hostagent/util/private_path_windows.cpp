// Built only on Windows (see hostagent/CMakeLists.txt); compile-checked on Linux with mingw-w64
// by scripts/windows-compile-check.sh.
#include <windows.h>
// The security headers need windows.h first.
#include <aclapi.h>
#include <sddl.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/process/windows_handle.h"
#include "hostagent/util/private_path.h"

namespace hvo::agent {
namespace {

using process::to_utf16;
using process::to_utf8;

constexpr const wchar_t* kLocalSystemSid = L"S-1-5-18";

// What counts as access to a secret file: its content read or written, or its DACL or owner
// changed (either gives the rest).
constexpr ACCESS_MASK kReadOrWrite = FILE_READ_DATA | FILE_WRITE_DATA | FILE_APPEND_DATA |
                                     GENERIC_READ | GENERIC_WRITE | GENERIC_ALL | WRITE_DAC |
                                     WRITE_OWNER;

struct LocalFreeDeleter {
  void operator()(void* memory) const { LocalFree(memory); }
};
using LocalMemory = std::unique_ptr<void, LocalFreeDeleter>;

std::string windows_error(DWORD code) {
  wchar_t* text = nullptr;
  const DWORD length = FormatMessageW(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
      nullptr, code, 0, reinterpret_cast<wchar_t*>(&text), 0, nullptr);
  LocalMemory owned(text);
  std::string message = length > 0 ? to_utf8(std::wstring(text, length)) : std::string();
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r'))
    message.pop_back();
  return message + " (Windows error " + std::to_string(code) + ")";
}

// The SID, as a string, of the account this process runs as ("S-1-5-18" for LocalSystem).
Result<std::wstring> own_account_sid() {
  HANDLE raw = nullptr;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &raw))
    return Error(ErrorCode::kInternal, "OpenProcessToken: " + windows_error(GetLastError()));
  const process::UniqueHandle token(raw);
  DWORD size = 0;
  GetTokenInformation(token.get(), TokenUser, nullptr, 0, &size);
  std::vector<unsigned char> buffer(size);
  if (size == 0 || !GetTokenInformation(token.get(), TokenUser, buffer.data(), size, &size)) {
    return Error(ErrorCode::kInternal, "GetTokenInformation: " + windows_error(GetLastError()));
  }
  const auto* user = reinterpret_cast<const TOKEN_USER*>(buffer.data());
  wchar_t* text = nullptr;
  if (!ConvertSidToStringSidW(user->User.Sid, &text))
    return Error(ErrorCode::kInternal, "ConvertSidToStringSidW: " + windows_error(GetLastError()));
  const LocalMemory owned(text);
  return std::wstring(text);
}

// SYSTEM and Administrators, full control, inherited by everything below, nothing inherited
// from above ("P"). A service running under its own account keeps full control as well.
Result<LocalMemory> private_descriptor() {
  std::wstring sddl = L"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)";
  auto own = own_account_sid();
  if (!own.ok())
    return own.error();
  if (own.value() != kLocalSystemSid)
    sddl += L"(A;OICI;FA;;;" + own.value() + L")";
  PSECURITY_DESCRIPTOR descriptor = nullptr;
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl.c_str(), SDDL_REVISION_1,
                                                            &descriptor, nullptr)) {
    return Error(ErrorCode::kInternal, "ConvertStringSecurityDescriptorToSecurityDescriptorW: " +
                                           windows_error(GetLastError()));
  }
  return LocalMemory(descriptor);
}

struct WellKnownAccount {
  WELL_KNOWN_SID_TYPE type;
  const char* name;
};
constexpr WellKnownAccount kOtherUsers[] = {
    {WinBuiltinUsersSid, "Users (S-1-5-32-545)"},
    {WinWorldSid, "Everyone (S-1-1-0)"},
    {WinAuthenticatedUserSid, "Authenticated Users (S-1-5-11)"},
};

bool is_account(PSID sid, WELL_KNOWN_SID_TYPE type) {
  BYTE buffer[SECURITY_MAX_SID_SIZE];
  DWORD size = sizeof(buffer);
  if (!CreateWellKnownSid(type, nullptr, buffer, &size))
    return false;
  return EqualSid(sid, buffer) != FALSE;
}

// The names of the other-user accounts that an allow entry of `dacl` lets read or write the
// object itself (entries that only pass on to children do not apply to it).
std::vector<std::string> others_with_access(PACL dacl) {
  std::vector<std::string> who;
  for (DWORD i = 0; i < dacl->AceCount; ++i) {
    void* ace = nullptr;
    if (!GetAce(dacl, i, &ace))
      continue;
    const auto* header = static_cast<const ACE_HEADER*>(ace);
    if (header->AceType != ACCESS_ALLOWED_ACE_TYPE || (header->AceFlags & INHERIT_ONLY_ACE) != 0)
      continue;
    auto* allowed = static_cast<ACCESS_ALLOWED_ACE*>(ace);
    if ((allowed->Mask & kReadOrWrite) == 0)
      continue;
    const PSID sid = &allowed->SidStart;
    for (const auto& account : kOtherUsers) {
      if (is_account(sid, account.type))
        who.push_back(account.name);
    }
  }
  return who;
}

std::string join(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names)
    text += (text.empty() ? "" : ", ") + name;
  return text;
}

}  // namespace

Status create_private_directories(const std::string& dir) {
  if (dir.empty())
    return Error(ErrorCode::kInvalidArgument, "cannot create a folder with an empty path");
  auto descriptor = private_descriptor();
  if (!descriptor.ok())
    return descriptor.error().with_context("cannot create " + dir);
  SECURITY_ATTRIBUTES attributes{sizeof(SECURITY_ATTRIBUTES), descriptor->get(), FALSE};
  std::filesystem::path partial;
  for (const auto& part : std::filesystem::path(to_utf16(dir))) {
    partial /= part;
    // The descriptor is the new folder's from its creation on: no moment with inherited access.
    if (CreateDirectoryW(partial.c_str(), &attributes))
      continue;
    const DWORD code = GetLastError();
    std::error_code ec;
    // Existing parents, and drive roots that answer "access denied" rather than "exists".
    if (code == ERROR_ALREADY_EXISTS || std::filesystem::is_directory(partial, ec))
      continue;
    return Error(ErrorCode::kInvalidArgument,
                 "cannot create " + to_utf8(partial.wstring()) + ": " + windows_error(code));
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(partial, ec))
    return Error(ErrorCode::kInvalidArgument, "cannot create " + dir + ": not a folder");
  return OkStatus();
}

Status restrict_directory(const std::string& dir) {
  auto descriptor = private_descriptor();
  if (!descriptor.ok())
    return descriptor.error().with_context("cannot restrict " + dir);
  BOOL present = FALSE;
  BOOL defaulted = FALSE;
  PACL dacl = nullptr;
  if (!GetSecurityDescriptorDacl(descriptor->get(), &present, &dacl, &defaulted) || !present) {
    return Error(ErrorCode::kInternal,
                 "cannot restrict " + dir + ": " + windows_error(GetLastError()));
  }
  std::wstring wide = to_utf16(dir);
  // PROTECTED_DACL_SECURITY_INFORMATION drops what the folder inherited from its parent.
  const DWORD code = SetNamedSecurityInfoW(
      wide.data(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
      nullptr, nullptr, dacl, nullptr);
  if (code != ERROR_SUCCESS) {
    return Error(
        ErrorCode::kInvalidArgument,
        "cannot restrict " + dir + " to SYSTEM and Administrators: " + windows_error(code));
  }
  return OkStatus();
}

Status check_private_file(const std::string& path, const std::string& what) {
  const std::wstring wide = to_utf16(path);
  PACL dacl = nullptr;
  PSECURITY_DESCRIPTOR descriptor = nullptr;
  const DWORD code = GetNamedSecurityInfoW(wide.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION,
                                           nullptr, nullptr, &dacl, nullptr, &descriptor);
  if (code != ERROR_SUCCESS) {
    return Error(ErrorCode::kInvalidArgument,
                 what + ": cannot read the permissions of " + path + ": " + windows_error(code));
  }
  const LocalMemory owned(descriptor);
  // A NULL DACL grants everyone everything.
  const std::vector<std::string> who =
      dacl == nullptr ? std::vector<std::string>{"everyone (the file has no DACL)"}
                      : others_with_access(dacl);
  if (who.empty())
    return OkStatus();
  return Error(ErrorCode::kPermissionDenied,
               what + ": " + path + " can be read or written by " + join(who) +
                   "; the agent does not start with a secret others can read. Fix: icacls \"" +
                   path +
                   "\" /inheritance:r /grant:r *S-1-5-18:F *S-1-5-32-544:F (add "
                   "/grant <account>:R when the service runs under its own account)");
}

}  // namespace hvo::agent
