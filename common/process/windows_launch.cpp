// Built only on Windows (see CMakeLists.txt).
#include "common/process/windows_launch.h"

#include <algorithm>
#include <cctype>
#include <cwchar>
#include <vector>

#include "common/process/environment.h"
#include "common/process/executable_path.h"
#include "common/process/windows_command_line.h"

namespace hvo::process {
namespace {

constexpr DWORD kPipeBufferSize = 64 * 1024;

const char* const kStreamNames[] = {"stdin", "stdout", "stderr"};

std::vector<std::string> parent_environment() {
  std::vector<std::string> entries;
  wchar_t* block = GetEnvironmentStringsW();
  if (block == nullptr) {
    return entries;
  }
  for (const wchar_t* entry = block; *entry != L'\0'; entry += wcslen(entry) + 1) {
    entries.push_back(to_utf8(entry));
  }
  FreeEnvironmentStringsW(block);
  return entries;
}

// "A=1\0B=2\0\0": each entry NUL-terminated, one more NUL at the end (two for an empty block).
std::wstring environment_block(const std::vector<std::string>& entries) {
  std::wstring block;
  for (const auto& entry : entries) {
    block += to_utf16(entry);
    block.push_back(L'\0');
  }
  block.push_back(L'\0');
  if (entries.empty()) {
    block.push_back(L'\0');
  }
  return block;
}

struct StreamEnds {
  UniqueHandle child;   // inheritable, handed to the child as its stdin/stdout/stderr
  UniqueHandle parent;  // our end of a pipe; never inherited
};

// Returns use std::move explicitly: before C++20 a local is not moved implicitly into a
// converting constructor such as Result's, and MSVC in C++17 mode keeps that rule.
Result<StreamEnds> open_stream(const Stdio& stdio, int target, const std::string& program) {
  SECURITY_ATTRIBUTES inheritable{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
  const bool is_input = target == 0;
  StreamEnds ends;
  auto failed = [&](const char* call) {
    return Error(ErrorCode::kInvalidArgument,
                 "start " + program + ": " + kStreamNames[target] + ": " + last_error_text(call));
  };
  switch (stdio.kind) {
    case Stdio::Kind::kInherit: {
      const DWORD ids[] = {STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE};
      const HANDLE own = GetStdHandle(ids[target]);
      if (own == nullptr || own == INVALID_HANDLE_VALUE) {
        return std::move(ends);  // we have none (a service): neither will the child
      }
      HANDLE copy = nullptr;
      if (!DuplicateHandle(GetCurrentProcess(), own, GetCurrentProcess(), &copy, 0, TRUE,
                           DUPLICATE_SAME_ACCESS)) {
        return failed("DuplicateHandle");
      }
      ends.child.reset(copy);
      return std::move(ends);
    }
    case Stdio::Kind::kNull:
      ends.child.reset(CreateFileW(L"NUL", GENERIC_READ | GENERIC_WRITE,
                                   FILE_SHARE_READ | FILE_SHARE_WRITE, &inheritable, OPEN_EXISTING,
                                   0, nullptr));
      if (!ends.child.valid()) {
        return failed("CreateFileW(NUL)");
      }
      return std::move(ends);
    case Stdio::Kind::kFile: {
      // FILE_APPEND_DATA without FILE_WRITE_DATA makes every write land at the end of the file.
      const DWORD access =
          is_input ? GENERIC_READ : (stdio.append ? FILE_APPEND_DATA : GENERIC_WRITE);
      const DWORD disposition =
          is_input ? OPEN_EXISTING : (stdio.append ? OPEN_ALWAYS : CREATE_ALWAYS);
      ends.child.reset(CreateFileW(to_utf16(stdio.path).c_str(), access,
                                   FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                   &inheritable, disposition, FILE_ATTRIBUTE_NORMAL, nullptr));
      if (!ends.child.valid()) {
        return Error(ErrorCode::kInvalidArgument, "start " + program + ": " + kStreamNames[target] +
                                                      ": open " + stdio.path + ": " +
                                                      last_error_text("CreateFileW"));
      }
      return std::move(ends);
    }
    case Stdio::Kind::kPipe: {
      HANDLE read_end = nullptr;
      HANDLE write_end = nullptr;
      if (!CreatePipe(&read_end, &write_end, &inheritable, kPipeBufferSize)) {
        return failed("CreatePipe");
      }
      ends.child.reset(is_input ? read_end : write_end);
      ends.parent.reset(is_input ? write_end : read_end);
      // A child holding our end of its own stdin would never see end of file.
      if (!SetHandleInformation(ends.parent.get(), HANDLE_FLAG_INHERIT, 0)) {
        return failed("SetHandleInformation");
      }
      if (is_input) {
        DWORD mode = PIPE_READMODE_BYTE | PIPE_NOWAIT;
        if (!SetNamedPipeHandleState(ends.parent.get(), &mode, nullptr, nullptr)) {
          return failed("SetNamedPipeHandleState");
        }
      }
      return std::move(ends);
    }
  }
  return std::move(ends);
}

bool is_batch_file(const std::string& path) {
  const auto dot = path.find_last_of('.');
  if (dot == std::string::npos) {
    return false;
  }
  std::string ext = path.substr(dot);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".bat" || ext == ".cmd";
}

// The attribute list that limits inheritance to `handles`; deleted with the object.
class InheritList {
 public:
  explicit InheritList(std::vector<HANDLE> handles) : handles_(std::move(handles)) {}
  ~InheritList() {
    if (initialized_) {
      DeleteProcThreadAttributeList(list());
    }
  }
  InheritList(const InheritList&) = delete;
  InheritList& operator=(const InheritList&) = delete;

  Status build() {
    SIZE_T size = 0;
    InitializeProcThreadAttributeList(nullptr, 1, 0, &size);
    storage_.resize(size);
    if (!InitializeProcThreadAttributeList(list(), 1, 0, &size)) {
      return Error(ErrorCode::kInternal, last_error_text("InitializeProcThreadAttributeList"));
    }
    initialized_ = true;
    if (!UpdateProcThreadAttribute(list(), 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, handles_.data(),
                                   handles_.size() * sizeof(HANDLE), nullptr, nullptr)) {
      return Error(ErrorCode::kInternal, last_error_text("UpdateProcThreadAttribute"));
    }
    return OkStatus();
  }
  LPPROC_THREAD_ATTRIBUTE_LIST list() {
    return reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(storage_.data());
  }

 private:
  std::vector<HANDLE> handles_;  // must outlive CreateProcessW
  std::vector<char> storage_;
  bool initialized_ = false;
};

Result<UniqueHandle> kill_on_close_job() {
  UniqueHandle job(CreateJobObjectW(nullptr, nullptr));
  if (!job.valid()) {
    return Error(ErrorCode::kInternal, last_error_text("CreateJobObjectW"));
  }
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits{};
  limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
  if (!SetInformationJobObject(job.get(), JobObjectExtendedLimitInformation, &limits,
                               sizeof(limits))) {
    return Error(ErrorCode::kInternal, last_error_text("SetInformationJobObject"));
  }
  return std::move(job);
}

}  // namespace

Result<LaunchedChild> launch(const Options& options) {
  if (options.argv.empty() || options.argv[0].empty()) {
    return Error(ErrorCode::kInvalidArgument, "start: argv is empty");
  }
  const std::string& name = options.argv[0];
  const auto env = merge_environment(
      options.inherit_env ? parent_environment() : std::vector<std::string>{}, options.env, true);

  const auto program = resolve_program(name, env, true);
  if (!program.ok()) {
    return program.error();
  }
  // cmd.exe runs batch files and parses their command line again by its own rules, so argv
  // could no longer be passed safely ("BatBadBut", CVE-2024-24576).
  if (is_batch_file(*program)) {
    return Error(ErrorCode::kInvalidArgument,
                 "start " + *program + ": batch files cannot receive arguments safely");
  }

  StreamEnds streams[3];
  const Stdio* configs[3] = {&options.std_in, &options.std_out, &options.std_err};
  std::vector<HANDLE> inherited;
  for (int target = 0; target < 3; ++target) {
    auto ends = open_stream(*configs[target], target, name);
    if (!ends.ok()) {
      return ends.error();
    }
    streams[target] = std::move(*ends);
    if (streams[target].child.valid()) {
      inherited.push_back(streams[target].child.get());
    }
  }

  // Only these handles reach the child, even while other threads create inheritable handles
  // for children of their own: Windows' counterpart of closing descriptors before exec.
  InheritList inherit_list(inherited);
  STARTUPINFOEXW startup{};
  startup.StartupInfo.cb = sizeof(startup);
  startup.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
  startup.StartupInfo.hStdInput = streams[0].child.get();
  startup.StartupInfo.hStdOutput = streams[1].child.get();
  startup.StartupInfo.hStdError = streams[2].child.get();
  DWORD flags = CREATE_UNICODE_ENVIRONMENT;
  if (!inherited.empty()) {
    if (auto built = inherit_list.build(); !built.ok()) {
      return built.error().with_context("start " + name);
    }
    startup.lpAttributeList = inherit_list.list();
    flags |= EXTENDED_STARTUPINFO_PRESENT;
  }

  UniqueHandle job;
  if (options.new_process_group) {
    auto created = kill_on_close_job();
    if (!created.ok()) {
      return created.error().with_context("start " + name);
    }
    job = std::move(*created);
    // Suspended until it is in the job, so nothing it starts can escape the job.
    flags |= CREATE_NEW_PROCESS_GROUP | CREATE_SUSPENDED;
  }

  const std::wstring application = to_utf16(*program);
  std::wstring command_line = to_utf16(windows_command_line(options.argv));  // must be writable
  std::wstring env_block = environment_block(env);
  const std::wstring working_dir = to_utf16(options.working_dir);
  PROCESS_INFORMATION info{};
  if (!CreateProcessW(application.c_str(), command_line.data(), nullptr, nullptr,
                      inherited.empty() ? FALSE : TRUE, flags, env_block.data(),
                      working_dir.empty() ? nullptr : working_dir.c_str(), &startup.StartupInfo,
                      &info)) {
    const DWORD error = GetLastError();
    const bool not_found =
        error == ERROR_FILE_NOT_FOUND || error == ERROR_PATH_NOT_FOUND || error == ERROR_DIRECTORY;
    std::string message = "start " + *program + ": " + last_error_text("CreateProcessW", error);
    if (!options.working_dir.empty()) {
      message += " (working directory " + options.working_dir + ")";
    }
    return Error(not_found ? ErrorCode::kNotFound : ErrorCode::kInternal, message);
  }
  UniqueHandle process(info.hProcess);
  const UniqueHandle thread(info.hThread);
  if (job.valid()) {
    if (!AssignProcessToJobObject(job.get(), process.get())) {
      const std::string message = last_error_text("AssignProcessToJobObject");
      TerminateProcess(process.get(), kKilledExitCode);
      return Error(ErrorCode::kInternal, "start " + name + ": " + message);
    }
    ResumeThread(thread.get());
  }

  LaunchedChild child;
  child.process = std::move(process);
  child.job = std::move(job);
  child.pid = info.dwProcessId;
  child.in = std::move(streams[0].parent);
  child.out = std::move(streams[1].parent);
  child.err = std::move(streams[2].parent);
  // The child's ends close as `streams` goes out of scope: a reader sees end of file only once
  // every writer is gone.
  return std::move(child);
}

}  // namespace hvo::process
