// Bearer tokens for the REST client. Service-account tokens rotate (projected tokens live about
// an hour), so a token held in a file is re-read periodically and whenever the server answers
// 401, like client-go's cached file token source.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/status.h"
#include "operator/client_config.h"
#include "operator/clock.h"

namespace hvo::kube {

class TokenSource {
 public:
  virtual ~TokenSource() = default;
  virtual Result<std::string> token() = 0;
  // The server refused the token (401): the next token() reads it afresh.
  virtual void invalidate() = 0;
};

class StaticTokenSource final : public TokenSource {
 public:
  explicit StaticTokenSource(std::string token) : token_(std::move(token)) {}
  Result<std::string> token() override { return token_; }
  void invalidate() override {}

 private:
  std::string token_;
};

class FileTokenSource final : public TokenSource {
 public:
  static constexpr std::chrono::seconds kDefaultRefresh{60};

  FileTokenSource(std::string path, const Clock& clock,
                  std::chrono::seconds refresh = kDefaultRefresh)
      : path_(std::move(path)), clock_(clock), refresh_(refresh) {}

  // The cached token while it is fresh; otherwise the file's content (whitespace trimmed). When
  // the file cannot be read but a token was read before, the old token is kept (the kubelet
  // rewrites the file atomically, so a failed read is transient).
  Result<std::string> token() override;
  void invalidate() override;

 private:
  std::string path_;
  const Clock& clock_;
  std::chrono::seconds refresh_;
  std::mutex mu_;
  std::optional<std::string> cached_;
  SteadyTime read_at_{};
  bool stale_ = true;
};

// The token source `config` asks for: a file when token_file is set (it is preferred, because it
// rotates), else the static token, else none (nullptr: client certificates or anonymous).
std::shared_ptr<TokenSource> make_token_source(const ClientConfig& config, const Clock& clock);

}  // namespace hvo::kube
