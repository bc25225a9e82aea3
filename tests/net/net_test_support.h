// Helpers shared by the net tests: servers on free loopback ports, clients pointed at them, a
// gate to line up threads, and a raw socket for requests cpprest's client cannot make.
#pragma once

#include <gtest/gtest.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/net/http_client.h"
#include "common/net/http_server.h"
#include "tests/support/test_ports.h"

namespace hvo::net::testing {

// Counts arrivals; arrivals may wait until the test opens the gate.
class Gate {
 public:
  void arrive() {
    std::lock_guard<std::mutex> lock(mu_);
    ++arrived_;
    changed_.notify_all();
  }
  void arrive_and_wait() {
    std::unique_lock<std::mutex> lock(mu_);
    ++arrived_;
    changed_.notify_all();
    changed_.wait(lock, [this] { return open_; });
  }
  void wait_open() {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [this] { return open_; });
  }
  void wait_for_arrivals(int count) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [&] { return arrived_ >= count; });
  }
  void open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    changed_.notify_all();
  }
  bool is_open() {
    std::lock_guard<std::mutex> lock(mu_);
    return open_;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  int arrived_ = 0;
  bool open_ = false;
};

inline std::unique_ptr<HttpServer> start_server(HttpHandler handler,
                                                HttpServerConfig config = HttpServerConfig()) {
  config.port = hvo::testing::reserve_test_port();
  auto server = HttpServer::start(config, std::move(handler));
  if (!server.ok()) {
    ADD_FAILURE() << "server did not start: " << server.error().message();
    return nullptr;
  }
  return std::move(server).value();
}

inline std::string url_of(const HttpServer& server, const std::string& scheme = "http") {
  return scheme + "://127.0.0.1:" + std::to_string(server.port());
}

inline std::unique_ptr<HttpClient> make_client(
    const std::string& base_url, TlsClientConfig tls = TlsClientConfig(),
    std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  HttpClientConfig config;
  config.base_url = base_url;
  config.tls = std::move(tls);
  config.timeout = timeout;
  auto client = HttpClient::create(config);
  if (!client.ok()) {
    ADD_FAILURE() << "client not created: " << client.error().message();
    return nullptr;
  }
  return std::move(client).value();
}

inline HttpRequest get(const std::string& path) {
  HttpRequest request;
  request.method = "GET";
  request.path = path;
  return request;
}

// What one stream_lines() call returned and the lines it delivered.
struct CollectedStream {
  Result<HttpResponse> result;
  std::vector<std::string> lines;
};

inline CollectedStream collect_lines(
    HttpClient& client, const HttpRequest& request, std::shared_ptr<Cancellation> cancel = nullptr,
    std::chrono::milliseconds idle_timeout = std::chrono::milliseconds(0)) {
  std::vector<std::string> lines;
  auto result = client.stream_lines(
      request,
      [&](std::string_view line) {
        lines.emplace_back(line);
        return true;
      },
      std::move(cancel), idle_timeout);
  return {std::move(result), std::move(lines)};
}

// Runs stream_lines() on a thread of its own; lines() counts what arrived so far.
class BackgroundWatch {
 public:
  BackgroundWatch(HttpClient& client, HttpRequest request, std::shared_ptr<Cancellation> cancel)
      : thread_([this, &client, request = std::move(request), cancel] {
          result_ = client.stream_lines(
              request,
              [this](std::string_view) {
                lines_.arrive();
                return true;
              },
              cancel, std::chrono::milliseconds(0));
        }) {}
  ~BackgroundWatch() {
    if (thread_.joinable())
      thread_.join();
  }
  void wait_for_lines(int count) { lines_.wait_for_arrivals(count); }
  // Waits for stream_lines() to return and hands over its result.
  Result<HttpResponse> join() {
    thread_.join();
    return std::move(*result_);
  }

 private:
  Gate lines_;
  std::optional<Result<HttpResponse>> result_;
  std::thread thread_;  // last: starts once the members it uses exist
};

// A plain TCP connection to 127.0.0.1 for hand-written HTTP.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool send_all(const std::string& bytes);
  // Reads one response with a Content-Length body; returns status line + "\n" + body.
  std::optional<std::string> read_response();
  // Reads a response's status line and header fields (up to the empty line), nothing more.
  std::optional<std::string> read_head();
  // Waits up to `timeout` for the server to close the connection (end of file or reset);
  // bytes that arrive meanwhile are dropped.
  bool wait_closed(std::chrono::milliseconds timeout);
  // Whether the server has closed the connection, without waiting.
  bool closed_now();
  // Makes the kernel's receive buffer small, so a peer that never reads fills it soon.
  void shrink_receive_buffer();

 private:
  bool fill();  // reads what arrives into pending_; false at end of file or error

  int fd_ = -1;
  std::string pending_;  // read but not yet returned
};

}  // namespace hvo::net::testing
