// CreateProcessW for one child, on Windows: the environment block, the standard streams, the
// list of handles it may inherit, and the job object standing in for a process group.
#pragma once

#include <windows.h>

#include "common/process/process.h"
#include "common/process/windows_handle.h"

namespace hvo::process {

// TerminateProcess and TerminateJobObject make this the child's exit code.
inline constexpr UINT kKilledExitCode = 1;

struct LaunchedChild {
  UniqueHandle process;
  UniqueHandle job;  // set with new_process_group; closing it ends every process in it
  DWORD pid = 0;
  UniqueHandle in;  // parent's ends of the pipes; invalid when that stream is not a pipe
  UniqueHandle out;
  UniqueHandle err;
};

// Starts the child described by `options` (argv[0] resolved on the child's PATH). Errors name
// the program and the call that failed. Batch files are refused: cmd.exe would parse their
// arguments again.
Result<LaunchedChild> launch(const Options& options);

}  // namespace hvo::process
