// The shared secret the operator presents as "Authorization: Bearer <token>", read from a file
// that is re-read when it changes (rotation without a restart). Comparison takes the same time
// whatever the presented token is.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace hvo::agent {

// Equality of two secrets in time independent of where they differ and of their lengths
// (SHA-256 of both, then a constant-time compare of the digests).
bool constant_time_equals(std::string_view a, std::string_view b);

// The token of an "Authorization: Bearer <token>" header value; nullopt for other schemes.
std::optional<std::string_view> bearer_token(std::string_view authorization);

// A shorter token is refused: it could be guessed. 32 bytes is what `hyperv-agent certs` draws
// from the CSPRNG (written as 64 hex digits).
inline constexpr std::size_t kMinTokenBytes = 32;

class TokenFile {
 public:
  // Reads the file; kInvalidArgument when it is missing, holds no token or one shorter than
  // kMinTokenBytes. Surrounding whitespace (a trailing newline) is not part of the token.
  static Result<std::unique_ptr<TokenFile>> open(const std::string& path);

  // Whether `presented` is the current token. When the file changed since the last read, it is
  // read again first; if the new content is unusable (or too short), the previous token stays
  // in force.
  bool matches(std::string_view presented);

 private:
  TokenFile(std::string path, std::string token, std::filesystem::file_time_type mtime)
      : path_(std::move(path)), token_(std::move(token)), mtime_(mtime) {}
  void reload_if_changed();

  const std::string path_;
  std::mutex mu_;
  std::string token_;
  std::filesystem::file_time_type mtime_;
};

}  // namespace hvo::agent
