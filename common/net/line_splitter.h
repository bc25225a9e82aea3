// Splits a byte stream that arrives in arbitrary pieces into '\n'-terminated lines (the framing
// of Kubernetes watch responses). Pure logic, no I/O, so the streaming client stays thin.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace hvo::net {

class LineSplitter {
 public:
  using OnLine = std::function<bool(std::string_view line)>;

  // A line longer than max_line_bytes makes feed() fail: a peer cannot make us buffer without
  // bound.
  explicit LineSplitter(std::size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}

  enum class Result { kContinue, kStoppedByCallback, kLineTooLong };

  // Appends `bytes` and calls on_line for each line completed by them, without the '\n' and a
  // trailing '\r'. Empty lines (keep-alive newlines) are skipped. Stops at the first false.
  Result feed(std::string_view bytes, const OnLine& on_line);

  // At end of stream: delivers a last line that had no '\n', if any.
  Result finish(const OnLine& on_line);

 private:
  Result deliver(std::string_view line, const OnLine& on_line);

  std::size_t max_line_bytes_;
  std::string partial_;  // bytes of the line not yet terminated
};

}  // namespace hvo::net
