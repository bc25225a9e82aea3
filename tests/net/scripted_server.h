// A hand-scripted HTTP/1.1 server on a loopback port for client tests that need what a real
// server does rarely: close a kept-alive connection after reading a request without answering,
// or end a chunked response with trailers. Each connection runs the script with the connection's
// number (0, 1, ...); the script reads requests and writes raw bytes.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace hvo::net::testing {

class ScriptedConnection {
 public:
  ScriptedConnection(int fd, std::function<void(const std::string&)> record)
      : fd_(fd), record_(std::move(record)) {}
  // Reads one request (headers and a Content-Length body); nullopt when the client closed.
  // Returns the request line and the body: "POST /x HTTP/1.1\n{...}".
  std::optional<std::string> read_request();
  void write(const std::string& bytes);
  // Answers 200 with `body` and keeps the connection open.
  void reply(const std::string& body);

 private:
  int fd_;
  std::function<void(const std::string&)> record_;
  std::string buffered_;
};

class ScriptedServer {
 public:
  using Script = std::function<void(int connection_number, ScriptedConnection& connection)>;
  explicit ScriptedServer(Script script);
  ~ScriptedServer();  // closes the listener and every connection, joins the threads
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  uint16_t port() const { return port_; }
  int connections() const { return accepted_.load(); }
  // Request lines (with bodies) of every request read so far, in arrival order.
  std::vector<std::string> requests() const;

 private:
  void accept_loop();

  Script script_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<int> accepted_{0};
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  std::vector<std::string> requests_;
  std::vector<int> connection_fds_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace hvo::net::testing
