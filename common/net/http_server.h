// An HTTP/1.1 server with optional (mutual) TLS and chunked streaming responses, behind an
// interface of ours so that only common/net's .cpp files include Boost.Beast and Asio.
//
// What it enforces, each with a default here (docs/servers.md explains them):
// - deadlines: TLS handshake, request header, request body, each response write, keep-alive idle;
// - limits checked before the body is read: header size (431), Content-Length (413), methods
//   TRACE/OPTIONS/CONNECT (405), HTTP versions other than 1.1 (505), the optional header_check;
// - a cap on requests in flight (503 with Retry-After); a streaming response gives its slot back;
// - TLS 1.2 or newer with AEAD ciphers only.
// Handlers run on worker threads once the whole request is read; a few I/O threads do the rest,
// so idle or slow connections cost no thread.
#pragma once

#include <chrono>
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

// Runs on an I/O thread once a request's headers are in and before its body is read. `head` has
// everything but the body (and remote_address). Returning a response sends it instead of
// reading the body and calling the handler (the connection is then closed if a body was
// announced). Must be quick and must not block: it holds up other connections' I/O.
using HeaderCheck = std::function<std::optional<HttpResponse>(const HttpRequest& head)>;

struct HttpServerConfig {
  std::string host = "127.0.0.1";      // an IPv4 or IPv6 address, or a name that resolves to one
  uint16_t port = 0;                   // must be set; tests pick a free port with pick_free_port()
  std::optional<TlsServerConfig> tls;  // absent: plain HTTP (tests and loopback-only helpers)
  // Larger bodies get 413: at once when Content-Length says so (the body is never read), or as
  // soon as a chunked body grows past it.
  std::size_t max_body_bytes = 3 * 1024 * 1024;
  // Request line plus header fields; larger gets 431 Request Header Fields Too Large.
  std::size_t max_header_bytes = 64 * 1024;
  // Requests whose handler has not finished (or started a stream) yet; beyond it, 503 with
  // Retry-After. A handler that calls Responder::stream() gives its slot back at that point, as
  // kube-apiserver exempts watches from max-requests-inflight.
  std::size_t max_in_flight_requests = 128;
  std::optional<HeaderCheck> header_check;
  // A connection must finish its TLS handshake within this.
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds(10)};
  // A request's headers must arrive within this, counted from the connection's start or, on a
  // kept-alive connection, from the request's first byte. Trickling bytes does not extend it.
  std::chrono::milliseconds header_timeout{std::chrono::seconds(10)};
  // The whole body must arrive within this once the headers are in.
  std::chrono::milliseconds body_timeout{std::chrono::seconds(60)};
  // Each response write (headers and body, or one chunk of a stream) must be taken by the
  // client within this.
  std::chrono::milliseconds write_timeout{std::chrono::seconds(60)};
  // A kept-alive connection with no new request for this long is closed. Longer than clients'
  // own idle timeouts (Go: 90 s), so that they, not we, usually close it.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(120)};
  // stop() waits this long for responses in progress to finish before closing their sockets.
  std::chrono::milliseconds stop_grace{std::chrono::seconds(5)};
  // Threads doing socket I/O and TLS. Handlers run on threads of their own (see HttpHandler).
  std::size_t io_threads = 2;
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
  // Queues one chunk, which leaves at once (no buffering until close). False once the stream is
  // closed or the client has gone away; the writer then stops.
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

// Runs on a worker thread (never an I/O thread) once the request's headers and body are read, so
// a handler may block, for example writing a watch stream until it closes. A HEAD request
// reaches the handler as GET; the server sends the headers (Content-Length included) without the
// body. A handler that throws or returns without responding gets a 500.
using HttpHandler = std::function<void(const HttpRequest& request, Responder& responder)>;

class HttpServer {
 public:
  virtual ~HttpServer() = default;
  // Starts listening; fails with kInvalidArgument (bad TLS files, naming which; bad host) or
  // kUnavailable (address in use).
  static Result<std::unique_ptr<HttpServer>> start(const HttpServerConfig& config,
                                                   HttpHandler handler);
  virtual uint16_t port() const = 0;
  // Stops accepting, ends open streams, waits for in-flight handlers, lets responses in progress
  // finish (up to stop_grace), then closes every connection. Idempotent; also done by the
  // destructor. Must not be called from a handler.
  virtual void stop() = 0;
};

// A loopback TCP port that was free a moment ago (bind to port 0, read it back, close).
// Throws std::runtime_error only when no socket can be bound at all.
uint16_t pick_free_port();

}  // namespace hvo::net
