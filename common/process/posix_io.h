// Reading and writing the parent's ends of a child's pipes: non-blocking descriptors driven by
// poll() against a deadline, and writes that cannot kill us with SIGPIPE.
#pragma once

#include <string>
#include <string_view>

#include "common/process/deadline.h"
#include "common/status.h"

namespace hvo::process {

// Sets O_NONBLOCK on `fd`.
Status set_nonblocking(int fd);

// Waits until `fd` is readable (data or end of file) and reads what is there, up to 64 KiB.
// Empty string at end of file; kTimeout when the deadline passes first. `what` names the
// stream in errors ("stdout of process 42 (cat)").
Result<std::string> read_available(int fd, const Deadline& deadline, const std::string& what);

// Writes all of `data`, waiting for room in the pipe as needed. kUnavailable when the reader
// has closed its end (EPIPE, without the SIGPIPE that would end this process), kTimeout when
// the deadline passes first.
Status write_all(int fd, std::string_view data, const Deadline& deadline, const std::string& what);

// One write without waiting: the number of bytes the pipe took (0 when it is full).
// kUnavailable on EPIPE, as write_all.
Result<size_t> write_some(int fd, std::string_view data, const std::string& what);

}  // namespace hvo::process
