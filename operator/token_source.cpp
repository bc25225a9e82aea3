#include "operator/token_source.h"

#include <spdlog/spdlog.h>

#include "operator/text_file.h"

namespace hvo::kube {

Result<std::string> FileTokenSource::token() {
  std::lock_guard<std::mutex> lock(mu_);
  const SteadyTime now = clock_.now();
  if (cached_ && !stale_ && now - read_at_ < refresh_)
    return *cached_;

  auto fresh = read_trimmed_file(path_);
  if (!fresh) {
    if (cached_) {
      spdlog::warn("token_file_unreadable path={} action=keep_previous_token", path_);
      return *cached_;
    }
    return Error(ErrorCode::kUnauthenticated,
                 "token file " + path_ + " cannot be read or is empty");
  }
  if (cached_ && *cached_ != *fresh)
    spdlog::info("token_rotated path={}", path_);
  cached_ = std::move(fresh);
  read_at_ = now;
  stale_ = false;
  return *cached_;
}

void FileTokenSource::invalidate() {
  std::lock_guard<std::mutex> lock(mu_);
  stale_ = true;
}

std::shared_ptr<TokenSource> make_token_source(const ClientConfig& config, const Clock& clock) {
  if (!config.token_file.empty())
    return std::make_shared<FileTokenSource>(config.token_file, clock);
  if (!config.token.empty())
    return std::make_shared<StaticTokenSource>(config.token);
  return nullptr;
}

}  // namespace hvo::kube
