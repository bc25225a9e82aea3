// The HTTP server every process of the project serves with (common/net, Boost.Beast): the input
// is the raw bytes a client sends on one connection (pipelined requests included). A server is
// started once on a loopback port with small limits, so header and body limits, the header
// check, streams and keep-alive are all reachable; each input is written to a fresh connection,
// whose write side is then closed. The server must answer what it can and close the connection
// (a half-closed client sends nothing more): a connection still open after 5 s is a failure.
// Handlers check that the request they see is consistent: its path re-encodes and decodes to
// itself, and its query map is the decoding of its raw query.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

#include "common/net/http_server.h"
#include "common/net/http_types.h"
#include "fuzz/fuzz_input.h"
#include "tests/support/test_ports.h"

namespace {

constexpr const char* kTarget = "http_request";

void handle(const hvo::net::HttpRequest& request, hvo::net::Responder& responder) {
  using namespace hvo::net;
  HVO_FUZZ_CHECK(kTarget, percent_decode(encode_path(request.path)) == request.path,
                 "path does not survive encode_path + percent_decode: " + request.path);
  HVO_FUZZ_CHECK(kTarget, decode_query(request.raw_query) == request.query,
                 "query map differs from the decoded raw query: " + request.raw_query);
  if (request.path == "/stream") {
    auto stream = responder.stream(200, {{"Content-Type", "text/plain"}});
    stream->write("first\n");
    stream->write(request.body);
    stream->close();
    return;
  }
  if (request.path == "/throw")
    throw std::runtime_error("handler failed");  // the server answers 500
  HttpResponse response;
  response.body = request.method + " " + request.path + " " + std::to_string(request.body.size());
  responder.reply(std::move(response));
}

uint16_t server_port() {
  static const auto server = [] {
    hvo::net::HttpServerConfig config;
    config.port = hvo::testing::reserve_test_port();
    config.max_body_bytes = 4096;
    config.max_header_bytes = 2048;
    config.max_in_flight_requests = 4;
    config.header_timeout = std::chrono::seconds(2);
    config.body_timeout = std::chrono::seconds(2);
    config.header_check = [](const hvo::net::HttpRequest& head) {
      std::optional<hvo::net::HttpResponse> refusal;
      if (!head.header("X-Refuse").empty())
        refusal = hvo::net::HttpResponse{403, {}, "refused\n"};
      return refusal;
    };
    auto started = hvo::net::HttpServer::start(config, handle);
    if (!started.ok())
      hvo::fuzz::property_failed(kTarget, "server did not start: " + started.error().message());
    return std::move(started).value();
  }();
  return server->port();
}

// A blocking connect() interrupted by a signal (libFuzzer's -timeout alarm, when a loaded machine
// leaves the server's accept queue full for a while) goes on in the background: wait for it to
// complete instead of calling EINTR a failure (it did fail a run of 2026-12-07 under load 15).
void connect_loopback(int fd, uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0)
    return;
  if (errno != EINTR)
    hvo::fuzz::property_failed(kTarget, std::string("connect: ") + std::strerror(errno));
  pollfd writable{fd, POLLOUT, 0};
  for (;;) {
    const int ready = ::poll(&writable, 1, 10000);
    if (ready > 0)
      break;
    if (ready < 0 && errno == EINTR)
      continue;
    hvo::fuzz::property_failed(kTarget, "connect did not complete within 10 s");
  }
  int error = 0;
  socklen_t length = sizeof error;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0)
    hvo::fuzz::property_failed(kTarget, std::string("connect: ") + std::strerror(error));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const uint16_t port = server_port();
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    hvo::fuzz::property_failed(kTarget, std::string("socket: ") + std::strerror(errno));
  connect_loopback(fd, port);
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);

  // The server may close before reading everything (a refused body): EPIPE/ECONNRESET are
  // answers, not failures.
  std::size_t sent = 0;
  while (sent < size) {
    const ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    sent += static_cast<std::size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n > 0 || (n < 0 && errno == EINTR))
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      ::close(fd);
      hvo::fuzz::property_failed(kTarget, "the server kept a half-closed connection open for 5 s");
    }
    break;  // closed (0) or reset
  }
  ::close(fd);
  return 0;
}
