// Where one of a child process' standard streams goes.
#pragma once

#include <string>
#include <utility>

namespace hvo::process {

struct Stdio {
  enum class Kind {
    kInherit,  // the parent's own stream
    kNull,     // /dev/null (NUL on Windows)
    kPipe,     // a pipe the parent writes (stdin) or reads (stdout, stderr)
    kFile,     // a file: read for stdin; for output, created if missing
  };
  Kind kind = Kind::kInherit;
  std::string path;     // kFile
  bool append = false;  // kFile output: append instead of truncating

  static Stdio inherit() { return {}; }
  static Stdio null() { return {Kind::kNull, "", false}; }
  static Stdio pipe() { return {Kind::kPipe, "", false}; }
  static Stdio file(std::string path) { return {Kind::kFile, std::move(path), false}; }
  static Stdio append_to(std::string path) { return {Kind::kFile, std::move(path), true}; }
};

}  // namespace hvo::process
