// An HTTP(S) client with TLS client certificates, timeouts and incremental (line by line)
// reading of streamed responses, behind an interface of ours so that only http_client.cpp
// includes cpprest.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/net/http_types.h"
#include "common/status.h"

namespace hvo::net {

struct TlsClientConfig {
  // Trust: a CA file or PEM data; neither means the system trust store.
  std::string ca_file;
  std::string ca_pem;
  // Client certificate for mutual TLS: a file or PEM data (each optional).
  std::string cert_file;
  std::string cert_pem;
  std::string key_file;
  std::string key_pem;
  bool insecure_skip_verify = false;
  std::string server_name;  // SNI and the name the server certificate must carry, if not the host
};

struct HttpClientConfig {
  std::string base_url;  // "https://127.0.0.1:6443"; request paths are appended to it
  TlsClientConfig tls;
  std::chrono::milliseconds timeout{30000};  // whole-request timeout for send()
};

// Cancels a running stream_lines() from another thread, at once (the connection is closed).
class Cancellation {
 public:
  void cancel() {
    std::vector<std::function<void()>> callbacks;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (cancelled_)
        return;
      cancelled_ = true;
      callbacks.swap(callbacks_);
    }
    for (auto& callback : callbacks)
      callback();
  }
  bool cancelled() const {
    std::lock_guard<std::mutex> lock(mu_);
    return cancelled_;
  }
  // Runs `callback` on cancel(), or at once if already cancelled.
  void on_cancel(std::function<void()> callback) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!cancelled_) {
        callbacks_.push_back(std::move(callback));
        return;
      }
    }
    callback();
  }

 private:
  mutable std::mutex mu_;
  bool cancelled_ = false;
  std::vector<std::function<void()>> callbacks_;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Fails with kInvalidArgument naming the bad field (unreadable CA file, malformed URL, ...).
  static Result<std::unique_ptr<HttpClient>> create(const HttpClientConfig& config);

  // Sends a request and reads the whole response. Any HTTP status is a successful Result;
  // connection failures are kUnavailable, an expired timeout is kTimeout.
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;

  // Sends a request whose response is a stream of '\n'-terminated lines (watch). For a 2xx
  // status, calls on_line for every line as soon as it arrives (without the '\n'), until the
  // server ends the response, on_line returns false, or `cancel` fires; then returns the
  // response with an empty body. For any other status, returns the whole response (its body
  // holds the error) and never calls on_line. `idle_timeout` bounds the wait for the next line.
  virtual Result<HttpResponse> stream_lines(const HttpRequest& request,
                                            const std::function<bool(std::string_view)>& on_line,
                                            std::shared_ptr<Cancellation> cancel,
                                            std::chrono::milliseconds idle_timeout) = 0;
};

}  // namespace hvo::net
