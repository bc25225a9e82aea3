#include "common/net/line_splitter.h"

namespace hvo::net {

LineSplitter::Result LineSplitter::deliver(std::string_view line, const OnLine& on_line) {
  if (!line.empty() && line.back() == '\r')
    line.remove_suffix(1);
  if (line.empty())
    return Result::kContinue;
  return on_line(line) ? Result::kContinue : Result::kStoppedByCallback;
}

LineSplitter::Result LineSplitter::feed(std::string_view bytes, const OnLine& on_line) {
  while (!bytes.empty()) {
    std::size_t newline = bytes.find('\n');
    if (newline == std::string_view::npos) {
      if (partial_.size() + bytes.size() > max_line_bytes_)
        return Result::kLineTooLong;
      partial_.append(bytes);
      return Result::kContinue;
    }
    std::string_view head = bytes.substr(0, newline);
    bytes.remove_prefix(newline + 1);
    Result result;
    if (partial_.empty()) {
      // The common case, a whole line inside one piece: no copy.
      if (head.size() > max_line_bytes_)
        return Result::kLineTooLong;
      result = deliver(head, on_line);
    } else {
      if (partial_.size() + head.size() > max_line_bytes_)
        return Result::kLineTooLong;
      partial_.append(head);
      std::string line;
      line.swap(partial_);
      result = deliver(line, on_line);
    }
    if (result != Result::kContinue)
      return result;
  }
  return Result::kContinue;
}

LineSplitter::Result LineSplitter::finish(const OnLine& on_line) {
  std::string line;
  line.swap(partial_);
  return deliver(line, on_line);
}

}  // namespace hvo::net
