// An HTTP(S) server with optional mutual TLS and chunked streaming responses, behind an interface
// of ours so that only http_server.cpp includes cpprest.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/net/http_types.h"
#include "common/status.h"

namespace hvo::net {

struct TlsServerConfig {
  std::string cert_file;             // PEM certificate chain of the server
  std::string key_file;              // PEM private key
  std::string client_ca_file;        // PEM CA bundle that client certificates must chain to
  bool require_client_cert = false;  // mutual TLS: refuse a handshake without a valid client cert
};

struct HttpServerConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 0;                   // must be set; tests pick a free port with pick_free_port()
  std::optional<TlsServerConfig> tls;  // absent: plain HTTP (tests and loopback-only helpers)
  std::size_t max_body_bytes = 3 * 1024 * 1024;  // larger bodies get 413 before the handler runs
  // A stream whose client has this much unsent data (reads too slowly, or vanished without a
  // FIN) is closed by the server, and write() returns false: memory per stream stays bounded.
  std::size_t max_stream_buffer_bytes = 16 * 1024 * 1024;
};

// A chunked response body written over time (watch streams). Safe to use from any thread.
// A client that has gone away is noticed when a write reaches its socket: the first write after
// the client left may still succeed (it lands in the kernel's buffers), the next ones return
// false. Writers that may stay silent for long should write a heartbeat now and then (watch
// BOOKMARK events) so a gone client is noticed and the stream released.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  // Sends one chunk at once (no buffering until close). False once the stream is closed or the
  // client has gone away; the writer then stops.
  virtual bool write(std::string_view chunk) = 0;
  // Ends the response. Idempotent.
  virtual void close() = 0;
  virtual bool closed() const = 0;
};

// Handed to the handler; exactly one of reply() or stream() must be called, once.
class Responder {
 public:
  virtual ~Responder() = default;
  virtual void reply(HttpResponse response) = 0;
  // Starts a chunked response with this status and headers. The returned stream may outlive the
  // handler call (hand it to another thread and return).
  virtual std::shared_ptr<ResponseStream> stream(int status, Headers headers) = 0;
};

// Runs on a thread of the server's own (never one of cpprest's I/O threads), one per request in
// flight, so a handler may block, for example writing a watch stream until it closes. A handler
// that throws or returns without responding gets a 500.
using HttpHandler = std::function<void(const HttpRequest& request, Responder& responder)>;

class HttpServer {
 public:
  virtual ~HttpServer() = default;
  // Starts listening; fails with kInvalidArgument (bad TLS files, naming which) or kUnavailable
  // (address in use).
  static Result<std::unique_ptr<HttpServer>> start(const HttpServerConfig& config,
                                                   HttpHandler handler);
  virtual uint16_t port() const = 0;
  // Stops accepting, closes open streams, and returns when in-flight handlers are done.
  // Idempotent; also done by the destructor. Must not be called from a handler.
  virtual void stop() = 0;
};

// A loopback TCP port that was free a moment ago (bind to port 0, read it back, close).
// Throws std::runtime_error only when no socket can be bound at all.
uint16_t pick_free_port();

}  // namespace hvo::net
