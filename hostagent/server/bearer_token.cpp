#include "hostagent/server/bearer_token.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <spdlog/spdlog.h>

#include "hostagent/util/atomic_file.h"

namespace hvo::agent {
namespace {

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos)
    return "";
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

Result<std::string> read_token(const std::string& path) {
  auto content = read_file(path);
  if (!content.ok()) {
    return Error(ErrorCode::kInvalidArgument, "token file: " + content.error().message());
  }
  std::string token = trim(content.value());
  if (token.empty()) {
    return Error(ErrorCode::kInvalidArgument, "token file " + path + " holds no token");
  }
  if (token.size() < kMinTokenBytes) {
    return Error(ErrorCode::kInvalidArgument,
                 "token file " + path + " holds a token of " + std::to_string(token.size()) +
                     " bytes; at least " + std::to_string(kMinTokenBytes) +
                     " are required (`hyperv-agent certs` writes one from 32 random bytes, "
                     "or use `openssl rand -hex 32`)");
  }
  return token;
}

}  // namespace

bool constant_time_equals(std::string_view a, std::string_view b) {
  unsigned char digest_a[SHA256_DIGEST_LENGTH];
  unsigned char digest_b[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(a.data()), a.size(), digest_a);
  SHA256(reinterpret_cast<const unsigned char*>(b.data()), b.size(), digest_b);
  return CRYPTO_memcmp(digest_a, digest_b, SHA256_DIGEST_LENGTH) == 0;
}

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() <= kScheme.size())
    return std::nullopt;
  // The scheme is case-insensitive (RFC 7235).
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) !=
        std::tolower(static_cast<unsigned char>(kScheme[i]))) {
      return std::nullopt;
    }
  }
  return authorization.substr(kScheme.size());
}

Result<std::unique_ptr<TokenFile>> TokenFile::open(const std::string& path) {
  std::error_code ec;
  const auto mtime = std::filesystem::last_write_time(path, ec);
  auto token = read_token(path);
  if (!token.ok())
    return token.error();
  return std::unique_ptr<TokenFile>(new TokenFile(path, std::move(token).value(), mtime));
}

void TokenFile::reload_if_changed() {
  std::error_code ec;
  const auto mtime = std::filesystem::last_write_time(path_, ec);
  if (ec || mtime == mtime_)
    return;
  mtime_ = mtime;  // one warning per change, not one per request
  auto token = read_token(path_);
  if (!token.ok()) {
    spdlog::warn("token_file_unusable path={} reason=\"{}\" keeping=previous", path_,
                 token.error().message());
    return;
  }
  token_ = std::move(token).value();
  spdlog::info("token_file_reloaded path={}", path_);
}

bool TokenFile::matches(std::string_view presented) {
  std::lock_guard<std::mutex> lock(mu_);
  reload_if_changed();
  return constant_time_equals(presented, token_);
}

}  // namespace hvo::agent
