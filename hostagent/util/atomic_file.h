// Replaces a file's content so that a crash at any moment leaves either the old or the new
// content, never a mix: write a temporary file beside it, flush it to disk, rename it over the
// target, then flush the directory entry (POSIX).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace hvo::agent {

// Errors are kInternal naming the path and the system's reason.
Status write_file_atomically(const std::string& path, std::string_view content);

// The whole file, or kNotFound when it does not exist, kInternal when it cannot be read.
Result<std::string> read_file(const std::string& path);

}  // namespace hvo::agent
