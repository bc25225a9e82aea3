// Load a server's sockets the way port scanners and slow clients do, and watch what it costs the
// serving process (file descriptors and threads from /proc). Shared by the in-process server
// tests and the end-to-end tests against the agent and apiserver-lite binaries. Linux only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace hvo::net::testing {

// Entries in /proc/<pid>/fd and /proc/<pid>/task ("self" when pid is 0); -1 when unreadable.
int count_fds(pid_t pid = 0);
int count_threads(pid_t pid = 0);

// Raises RLIMIT_NOFILE's soft limit to the hard limit (children started later inherit it) and
// returns the new soft limit.
std::uint64_t raise_fd_limit();

// Polls `condition` every 50 ms until it holds or `timeout` passes; returns its last value.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

// `count` plain TCP connections to 127.0.0.1:port, each closed right after connect, no byte sent
// (no TLS handshake). Returns how many connects failed.
int connect_close_storm(uint16_t port, int count);

// Client identity and trust for TLS slow clients (PEM files); empty cert_file: no certificate.
struct SlowClientTls {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
};

// Connections that send the start of a request and then nothing, kept open until destroyed.
// With `tls`, each completes a TLS handshake first (with the client certificate, if any), so
// the server is past the handshake and waits for the rest of the headers.
class SlowClients {
 public:
  SlowClients();
  ~SlowClients();
  SlowClients(const SlowClients&) = delete;
  SlowClients& operator=(const SlowClients&) = delete;

  // Opens `count` more; returns how many could not be opened (connect or handshake failed).
  int open(uint16_t port, int count, const std::optional<SlowClientTls>& tls);
  std::size_t size() const;
  // How many the server has not closed yet (a non-blocking peek sees no end of file).
  int still_open() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One TLS connection for hand-written HTTP (OpenSSL, blocking), like RawConnection for TLS.
class TlsRawConnection {
 public:
  TlsRawConnection(uint16_t port, const SlowClientTls& tls);
  ~TlsRawConnection();
  TlsRawConnection(const TlsRawConnection&) = delete;
  TlsRawConnection& operator=(const TlsRawConnection&) = delete;

  // Whether the TCP connection and the handshake succeeded; error() says why not.
  bool connected() const { return connected_; }
  const std::string& error() const { return error_; }
  bool send_all(const std::string& bytes);
  // Status line and header fields, up to the empty line.
  std::optional<std::string> read_head();
  // Status line + "\n" + body (read by Content-Length).
  std::optional<std::string> read_response();

 private:
  bool fill();

  int fd_ = -1;
  void* ctx_ = nullptr;  // SSL_CTX, kept out of this header
  void* ssl_ = nullptr;  // SSL
  bool connected_ = false;
  std::string error_;
  std::string pending_;
};

}  // namespace hvo::net::testing
