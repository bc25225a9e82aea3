// The platform-independent half of Process: buffering of reads, and stop() built on
// terminate/wait/kill. The platform halves are process_posix.cpp and process_windows.cpp.
#include "common/process/process.h"

#include "common/process/deadline.h"

namespace hvo::process {

Result<std::string> Process::read_some(Stream stream, Timeout timeout) {
  std::string& pending = buffer(stream);
  if (!pending.empty()) {
    return std::exchange(pending, std::string());
  }
  return read_pipe(stream, timeout);
}

Result<std::string> Process::read_until(Stream stream, std::string_view delimiter,
                                        Timeout timeout) {
  const Deadline deadline(timeout);
  std::string& pending = buffer(stream);
  size_t search_from = 0;
  for (;;) {
    const size_t found = pending.find(delimiter, search_from);
    if (found != std::string::npos) {
      std::string message = pending.substr(0, found + delimiter.size());
      pending.erase(0, found + delimiter.size());
      return message;
    }
    // A delimiter split across two reads starts at most delimiter.size() - 1 bytes back.
    search_from = pending.size() >= delimiter.size() ? pending.size() - delimiter.size() + 1 : 0;
    auto chunk = read_pipe(stream, deadline.remaining());
    if (!chunk.ok()) {
      return chunk.error();
    }
    if (chunk->empty()) {
      return Error(ErrorCode::kUnavailable,
                   std::string(stream == Stream::kStdout ? "stdout" : "stderr") + " of process " +
                       std::to_string(pid()) + " ended before the expected delimiter");
    }
    pending += *chunk;
  }
}

Result<Output> Process::read_all(Timeout timeout) {
  return communicate_impl({}, false, timeout);
}

Result<Output> Process::communicate(std::string_view input, Timeout timeout) {
  return communicate_impl(input, true, timeout);
}

Result<Output> Process::communicate_impl(std::string_view input, bool feed_stdin, Timeout timeout) {
  auto output = pump(input, feed_stdin, timeout);
  if (!output.ok()) {
    return output;  // what did arrive was appended to the buffers, for a later read
  }
  // Bytes an earlier read_until read past its delimiter come first.
  output->out.insert(0, std::exchange(stdout_buffer_, std::string()));
  output->err.insert(0, std::exchange(stderr_buffer_, std::string()));
  return output;
}

ExitStatus Process::stop(Timeout grace) {
  // Errors of terminate/kill only mean the child is already gone; wait() then says how it ended.
  (void)terminate();
  auto status = wait(grace);
  if (!status.ok()) {
    (void)kill();
    status = wait(kNoTimeout);
  }
  // With a process group the child may have left grandchildren behind: end them too.
  (void)kill();
  return status.ok() ? *status : ExitStatus{-1, 0};
}

}  // namespace hvo::process
