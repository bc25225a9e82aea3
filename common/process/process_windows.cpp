// Process on Windows: CreateProcessW with anonymous pipes, an explicit list of the handles the
// child inherits, and a job object standing in for a POSIX process group. Built only on Windows
// (see CMakeLists.txt). This project's CI runs on Linux, so this file cannot be tested there:
// it stays small and keeps to documented API behaviour.
//
// Anonymous pipes have no overlapped I/O and nothing like poll(), so timed reads peek at the
// pipe (PeekNamedPipe) and sleep between looks, and stdin is switched to PIPE_NOWAIT so a write
// never blocks past its deadline.
#include <windows.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cwchar>
#include <optional>
#include <thread>

#include "common/process/deadline.h"
#include "common/process/environment.h"
#include "common/process/executable_path.h"
#include "common/process/process.h"
#include "common/process/windows_command_line.h"
#include "common/process/windows_handle.h"

namespace hvo::process {
namespace {

constexpr DWORD kPipeBufferSize = 64 * 1024;
constexpr DWORD kReadChunk = 64 * 1024;
// Non-blocking writes larger than the free space may take nothing at all, so stdin is fed in
// pieces small enough to fit once the child has read a little.
constexpr size_t kWriteChunk = 4096;
// TerminateProcess and TerminateJobObject make this the child's exit code.
constexpr UINT kKilledExitCode = 1;

const char* const kStreamNames[] = {"stdin", "stdout", "stderr"};

// Sleeps between looks at a pipe or process: 1 ms at first, doubling up to 20 ms, never past
// the deadline.
class Backoff {
 public:
  void sleep(const Deadline& deadline) {
    std::this_thread::sleep_for(std::min(pause_, deadline.remaining()));
    pause_ = std::min(pause_ * 2, std::chrono::milliseconds(20));
  }
  void reset() { pause_ = std::chrono::milliseconds(1); }

 private:
  std::chrono::milliseconds pause_{1};
};

// What is in the pipe now: nullopt when nothing is, "" at end of file (every writer closed).
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

// One non-blocking write (stdin is PIPE_NOWAIT): the bytes the pipe took, 0 when it is full.
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
        return ends;  // we have none (a service): neither will the child
      }
      HANDLE copy = nullptr;
      if (!DuplicateHandle(GetCurrentProcess(), own, GetCurrentProcess(), &copy, 0, TRUE,
                           DUPLICATE_SAME_ACCESS)) {
        return failed("DuplicateHandle");
      }
      ends.child.reset(copy);
      return ends;
    }
    case Stdio::Kind::kNull:
      ends.child.reset(CreateFileW(L"NUL", GENERIC_READ | GENERIC_WRITE,
                                   FILE_SHARE_READ | FILE_SHARE_WRITE, &inheritable, OPEN_EXISTING,
                                   0, nullptr));
      if (!ends.child.valid()) {
        return failed("CreateFileW(NUL)");
      }
      return ends;
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
      return ends;
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
      return ends;
    }
  }
  return ends;
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
  return job;
}

}  // namespace

class Process::Impl {
 public:
  UniqueHandle process;
  UniqueHandle job;  // set with new_process_group; closing it ends every process in it
  DWORD pid = 0;
  std::string label;  // "process 42 (pwsh)", the prefix of every error about this child
  UniqueHandle in;    // parent's ends of the pipes; invalid when that stream is not a pipe
  UniqueHandle out;
  UniqueHandle err;
  std::optional<ExitStatus> exit;  // set once the child has exited

  UniqueHandle& pipe_of(Stream stream) { return stream == Stream::kStdout ? out : err; }
  std::string what(Stream stream) const {
    return (stream == Stream::kStdout ? "stdout of " : "stderr of ") + label;
  }

  // Waits up to `wait_ms` (INFINITE allowed) for the exit; true once the child has exited.
  bool reap(DWORD wait_ms) {
    if (exit) {
      return true;
    }
    if (WaitForSingleObject(process.get(), wait_ms) != WAIT_OBJECT_0) {
      return false;
    }
    DWORD code = 0;
    GetExitCodeProcess(process.get(), &code);
    exit = ExitStatus{static_cast<int>(code), 0};
    return true;
  }

  Status end() {
    // The process handle keeps the process object (and its id) alive, so unlike a POSIX pid
    // it can never name another process; an exited child just refuses with access denied.
    const bool ended = job.valid() ? TerminateJobObject(job.get(), kKilledExitCode)
                                   : TerminateProcess(process.get(), kKilledExitCode);
    if (!ended && !(GetLastError() == ERROR_ACCESS_DENIED && reap(0))) {
      return Error(ErrorCode::kInternal, label + ": " + last_error_text("TerminateProcess"));
    }
    return OkStatus();
  }
};

Result<Process> Process::spawn(const Options& options) {
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
    std::string message = "start " + *program + ": " + last_error_text("CreateProcessW");
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

  auto impl = std::make_unique<Impl>();
  impl->process = std::move(process);
  impl->job = std::move(job);
  impl->pid = info.dwProcessId;
  impl->label = "process " + std::to_string(info.dwProcessId) + " (" + name + ")";
  impl->in = std::move(streams[0].parent);
  impl->out = std::move(streams[1].parent);
  impl->err = std::move(streams[2].parent);
  // The child's ends close as `streams` goes out of scope: a reader sees end of file only once
  // every writer is gone.
  return Process(std::move(impl));
}

Process::Process(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Process::Process(Process&& other) noexcept = default;
Process& Process::operator=(Process&& other) noexcept = default;

Process::~Process() {
  if (!impl_) {
    return;  // moved from
  }
  if (!impl_->reap(0)) {
    (void)impl_->end();
    impl_->reap(INFINITE);
  }
  // With a job, closing its handle (in ~Impl) ends whatever the child left running.
}

int Process::pid() const {
  return static_cast<int>(impl_->pid);
}

bool Process::running() {
  return !impl_->reap(0);
}

Status Process::write_stdin(std::string_view data, Timeout timeout) {
  if (!impl_->in.valid()) {
    return Error(ErrorCode::kInvalidArgument,
                 "stdin of " + impl_->label + " is not a pipe, or was closed");
  }
  const Deadline deadline(timeout);
  const std::string what = "stdin of " + impl_->label;
  Backoff backoff;
  while (!data.empty()) {
    auto written = write_now(impl_->in.get(), data, what);
    if (!written.ok()) {
      return written.error();
    }
    data.remove_prefix(*written);
    if (*written > 0) {
      backoff.reset();
      continue;
    }
    if (deadline.expired()) {
      return Error(ErrorCode::kTimeout, what + ": the child did not read its input in time");
    }
    backoff.sleep(deadline);
  }
  return OkStatus();
}

void Process::close_stdin() {
  impl_->in.reset();
}

Result<std::string> Process::read_pipe(Stream stream, Timeout timeout) {
  const UniqueHandle& pipe = impl_->pipe_of(stream);
  if (!pipe.valid()) {
    return Error(ErrorCode::kInvalidArgument, impl_->what(stream) + " is not a pipe");
  }
  const Deadline deadline(timeout);
  Backoff backoff;
  for (;;) {
    auto chunk = read_now(pipe.get(), impl_->what(stream));
    if (!chunk.ok()) {
      return chunk.error();
    }
    if (chunk->has_value()) {
      return std::move(**chunk);
    }
    if (deadline.expired()) {
      return Error(ErrorCode::kTimeout, impl_->what(stream) + ": no output before the deadline");
    }
    backoff.sleep(deadline);
  }
}

Result<Output> Process::pump(std::string_view input, bool feed_stdin, Timeout timeout) {
  const Deadline deadline(timeout);
  Output output;
  if (feed_stdin && input.empty()) {
    close_stdin();
  }
  bool feeding = feed_stdin && impl_->in.valid();
  bool reading[2] = {impl_->out.valid(), impl_->err.valid()};
  std::string* sinks[2] = {&output.out, &output.err};
  const Stream streams[2] = {Stream::kStdout, Stream::kStderr};
  Backoff backoff;

  while (feeding || reading[0] || reading[1]) {
    bool progressed = false;
    if (feeding) {
      auto written = write_now(impl_->in.get(), input, "stdin of " + impl_->label);
      // A child that closes its stdin early just does not want the rest: not an error here.
      if (written.ok()) {
        input.remove_prefix(*written);
        progressed = *written > 0;
      }
      if (!written.ok() || input.empty()) {
        close_stdin();
        feeding = false;
      }
    }
    for (int i = 0; i < 2; ++i) {
      if (!reading[i]) {
        continue;
      }
      auto chunk = read_now(impl_->pipe_of(streams[i]).get(), impl_->what(streams[i]));
      if (!chunk.ok()) {
        return chunk.error();
      }
      if (chunk->has_value()) {
        progressed = true;
        reading[i] = !(*chunk)->empty();  // "" is end of file
        *sinks[i] += **chunk;
      }
    }
    if (progressed) {
      backoff.reset();
      continue;
    }
    if (deadline.expired()) {
      stdout_buffer_ += output.out;
      stderr_buffer_ += output.err;
      return Error(ErrorCode::kTimeout, impl_->label + ": output still open after " +
                                            std::to_string(timeout.count()) + " ms");
    }
    backoff.sleep(deadline);
  }
  return output;
}

// A console program has no SIGTERM to receive, and a CTRL_BREAK_EVENT would reach every process
// sharing our console: ending the child is the one request that is always understood.
Status Process::terminate() {
  return impl_->end();
}
Status Process::kill() {
  return impl_->end();
}

Result<ExitStatus> Process::wait(Timeout timeout) {
  if (timeout == kNoTimeout) {
    impl_->reap(INFINITE);
    return *impl_->exit;
  }
  const auto capped = std::min<long long>(timeout.count(), INFINITE - 1);
  if (!impl_->reap(static_cast<DWORD>(capped))) {
    return Error(ErrorCode::kTimeout,
                 impl_->label + " still running after " + std::to_string(timeout.count()) + " ms");
  }
  return *impl_->exit;
}

}  // namespace hvo::process
