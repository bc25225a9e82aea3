// A loopback TCP relay that counts the connections it accepts, for tests that must prove a
// client reuses its kept-alive (TLS) connections: put it between the client and a server and
// compare connections() before and after. Bytes pass through untouched, so TLS (mutual
// included) works end to end; each accepted connection gets its own connection to the target.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace hvo::net::testing {

class CountingRelay {
 public:
  // Listens on a reserved test port (tests/support/test_ports.h) and relays to
  // 127.0.0.1:`target_port`. Throws std::runtime_error when it cannot listen.
  explicit CountingRelay(uint16_t target_port);
  ~CountingRelay();  // closes the listener and every relayed connection, joins the threads
  CountingRelay(const CountingRelay&) = delete;
  CountingRelay& operator=(const CountingRelay&) = delete;

  uint16_t port() const { return port_; }
  // Connections accepted so far (each one a TCP connect, hence a TLS handshake for HTTPS).
  int connections() const { return accepted_.load(); }

 private:
  void accept_loop();
  void relay(int client_fd);

  const uint16_t target_port_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<int> accepted_{0};
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::vector<int> fds_;  // every relayed socket, both ends, closed by the destructor
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace hvo::net::testing
