// An HTTP(S) client with TLS client certificates, timeouts and incremental (line by line)
// reading of streamed responses, behind an interface of ours so that only http_client.cpp
// includes cpprest.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
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
  // SNI and the name the server certificate must carry, if not the URL's host. Sent as the Host
  // header too (cpprest takes the TLS name from it), which servers that route by Host must know.
  std::string server_name;
};

struct HttpClientConfig {
  std::string base_url;  // "https://127.0.0.1:6443"; request paths are appended to it
  TlsClientConfig tls;
  std::chrono::milliseconds timeout{30000};  // whole-request timeout for send(), headers of streams
};

// Cancels a running stream_lines() from another thread, at once (the connection is closed).
// One Cancellation may serve many calls in turn (an informer's stop signal): each call removes
// its callback when it returns, so callbacks do not pile up.
class Cancellation {
 public:
  using CallbackId = std::uint64_t;

  void cancel() {
    std::map<CallbackId, std::function<void()>> callbacks;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (cancelled_)
        return;
      cancelled_ = true;
      callbacks.swap(callbacks_);
    }
    for (auto& [id, callback] : callbacks)
      callback();
  }
  bool cancelled() const {
    std::lock_guard<std::mutex> lock(mu_);
    return cancelled_;
  }
  // Runs `callback` on cancel(), or at once if already cancelled (then returns 0). The id
  // lets remove_callback() take it back.
  CallbackId on_cancel(std::function<void()> callback) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!cancelled_) {
        CallbackId id = ++last_id_;
        callbacks_.emplace(id, std::move(callback));
        return id;
      }
    }
    callback();
    return 0;
  }
  // Forgets a callback that has not run yet; unknown ids (0, already run) are ignored.
  void remove_callback(CallbackId id) {
    std::lock_guard<std::mutex> lock(mu_);
    callbacks_.erase(id);
  }

 private:
  mutable std::mutex mu_;
  bool cancelled_ = false;
  CallbackId last_id_ = 0;
  std::map<CallbackId, std::function<void()>> callbacks_;
};

// Safe to share between threads: one HttpClient serves an informer's watch and many workers'
// requests at once. Requests share a pool of keep-alive connections (TLS sessions included),
// so repeated send() calls do not handshake again; a request that times out or is cancelled
// closes its own connection instead of returning it to the pool.
// TLS files are read once, by create(): a rotated certificate needs a new client.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Fails with kInvalidArgument naming the bad field (unreadable CA file, malformed URL, ...).
  static Result<std::unique_ptr<HttpClient>> create(const HttpClientConfig& config);

  // Sends a request and reads the whole response. Any HTTP status is a successful Result;
  // connection failures (refused, reset, TLS handshake) are kUnavailable, an expired timeout
  // (request.timeout, else config.timeout, for the whole exchange) is kTimeout. Messages name
  // the method and URL. After a connection failure (a kept-alive connection the server closed or
  // a restarted server) the request is sent again once, on a new connection, only when that is
  // safe (replay_policy.h: idempotent, or not sent whole); otherwise the kUnavailable message
  // says the server may have applied it. stream_lines() does the same until the headers arrive.
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;

  // Sends a request whose response is a stream of '\n'-terminated lines (watch). For a 2xx
  // status, calls on_line for every line as soon as it arrives (without the '\n'; a trailing
  // '\r' is dropped and empty lines are skipped), until the server ends the response, on_line
  // returns false, or `cancel` fires; then returns the response with an empty body. For any
  // other status, returns the whole response (its body holds the error) and never calls
  // on_line. The response headers must arrive within the request's timeout. `idle_timeout`
  // (0: none) bounds the wait for more data: when it passes, kTimeout. A cancel before the
  // response arrived is kCancelled; a broken connection is kUnavailable; a line over 64 MiB is
  // kResourceExhausted. on_line runs on the calling thread; data that arrives while it runs is
  // buffered by the client, so it should not block for long. `cancel` may be null.
  virtual Result<HttpResponse> stream_lines(const HttpRequest& request,
                                            const std::function<bool(std::string_view)>& on_line,
                                            std::shared_ptr<Cancellation> cancel,
                                            std::chrono::milliseconds idle_timeout) = 0;
};

// Sets how many threads cpprest runs every client's socket I/O on (its process-wide pool; 40 by
// default on Linux). Only before the first client is created; later calls do nothing and return
// false. Programs that make few concurrent calls (apiserver-lite's etcd client) keep their
// thread count small with it.
bool set_client_io_threads(std::size_t threads);

}  // namespace hvo::net
