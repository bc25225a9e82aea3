// What the server refuses or cuts short before a handler runs: oversized headers and bodies,
// TRACE/OPTIONS/CONNECT, other HTTP versions, the header-stage check, the in-flight cap, and
// clients that are too slow (handshake, header and idle deadlines). Also HEAD, keep-alive with
// pipelining and Connection: close. Hand-written HTTP over raw sockets, so every byte is ours.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "tests/net/net_test_support.h"
#include "tests/net/test_certs.h"

namespace hvo::net {
namespace {

using testing::Gate;
using testing::RawConnection;
using testing::start_server;

constexpr auto kBound = std::chrono::seconds(10);  // generous bound for "soon"

// Answers "<method> <path> <body size>" and counts its calls.
struct CountingServer {
  explicit CountingServer(HttpServerConfig config = HttpServerConfig()) {
    server = start_server(
        [this](const HttpRequest& request, Responder& responder) {
          ++handled;
          responder.reply(
              {200,
               {{"Content-Type", "text/plain"}},
               request.method + " " + request.path + " " + std::to_string(request.body.size())});
        },
        config);
  }
  uint16_t port() const { return server->port(); }
  std::atomic<int> handled{0};
  std::unique_ptr<HttpServer> server;
};

std::string status_line(const std::string& head) {
  return head.substr(0, head.find("\r\n"));
}

TEST(HttpServerLimits, HeaderFieldsOverTheLimitGet431WithoutTheHandler) {
  HttpServerConfig config;
  config.max_header_bytes = 4096;
  CountingServer server(config);
  ASSERT_TRUE(server.server);

  RawConnection big(server.port());
  ASSERT_TRUE(
      big.send_all("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8000, 'a') + "\r\n\r\n"));
  auto refused = big.read_response();
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->substr(0, 12), "HTTP/1.1 431");
  EXPECT_TRUE(big.wait_closed(kBound));

  RawConnection small(server.port());
  ASSERT_TRUE(small.send_all("GET /ok HTTP/1.1\r\nHost: x\r\nX-Small: " + std::string(1000, 'a') +
                             "\r\n\r\n"));
  auto accepted = small.read_response();
  ASSERT_TRUE(accepted.has_value());
  EXPECT_EQ(*accepted, "HTTP/1.1 200 OK\nGET /ok 0");
  EXPECT_EQ(server.handled.load(), 1);
}

// The client announces a body far over the limit and sends none of it: the 413 arrives while
// the client still holds the body, so the server never waited for (or read) it.
TEST(HttpServerLimits, ContentLengthOverTheLimitGets413BeforeTheBodyIsSent) {
  HttpServerConfig config;
  config.max_body_bytes = 1024;
  CountingServer server(config);
  ASSERT_TRUE(server.server);
  RawConnection client(server.port());
  ASSERT_TRUE(
      client.send_all("PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\n\r\n" +
                      std::string(100, 'x')));  // a first piece of the 100 MiB only
  auto refused = client.read_response();
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->substr(0, 12), "HTTP/1.1 413");
  EXPECT_NE(refused->find("1024"), std::string::npos) << *refused;
  EXPECT_EQ(server.handled.load(), 0);
  EXPECT_TRUE(client.wait_closed(kBound));
}

TEST(HttpServerLimits, TraceOptionsAndConnectGet405WithoutTheHandlerOrAnEcho) {
  CountingServer server;
  ASSERT_TRUE(server.server);
  for (const std::string request :
       {"TRACE / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret-token\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret-token\r\n\r\n",
        "OPTIONS /v1/vms HTTP/1.1\r\nHost: x\r\nOrigin: http://evil\r\n\r\n",
        "CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: x\r\n\r\n"}) {
    SCOPED_TRACE(request);
    RawConnection client(server.port());
    ASSERT_TRUE(client.send_all(request));
    auto head = client.read_head();
    ASSERT_TRUE(head.has_value());
    EXPECT_EQ(status_line(*head), "HTTP/1.1 405 Method Not Allowed");
    EXPECT_NE(head->find("Allow: GET, HEAD, POST, PUT, PATCH, DELETE"), std::string::npos);
    EXPECT_EQ(head->find("s3cret"), std::string::npos);
    EXPECT_EQ(head->find("evil"), std::string::npos);
  }
  EXPECT_EQ(server.handled.load(), 0);
}

// HEAD gets GET's headers (Content-Length included) and no body: the next response on the same
// connection starts right after the HEAD response's empty line.
TEST(HttpServerLimits, HeadIsAnsweredAsGetWithoutTheBody) {
  std::atomic<int> gets{0};
  auto server = start_server([&](const HttpRequest& request, Responder& responder) {
    if (request.method == "GET")
      ++gets;
    if (request.path == "/stream") {
      auto stream = responder.stream(200, {});
      stream->write("never sent\n");  // dropped: a HEAD answer has no body
      return;
    }
    responder.reply({200, {{"Content-Type", "text/plain"}}, "hello world"});
  });
  ASSERT_TRUE(server);
  RawConnection client(server->port());
  ASSERT_TRUE(client.send_all("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto head = client.read_head();
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(status_line(*head), "HTTP/1.1 200 OK");
  EXPECT_NE(head->find("Content-Length: 11"), std::string::npos) << *head;
  ASSERT_TRUE(client.send_all("HEAD /stream HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto stream_head = client.read_head();
  ASSERT_TRUE(stream_head.has_value());
  EXPECT_EQ(status_line(*stream_head), "HTTP/1.1 200 OK");
  ASSERT_TRUE(client.send_all("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto get = client.read_response();
  ASSERT_TRUE(get.has_value());
  EXPECT_EQ(*get, "HTTP/1.1 200 OK\nhello world");
  EXPECT_EQ(gets.load(), 3);
}

TEST(HttpServerLimits, OnlyHttp11IsServed) {
  CountingServer server;
  ASSERT_TRUE(server.server);
  RawConnection client(server.port());
  ASSERT_TRUE(client.send_all("GET / HTTP/1.0\r\n\r\n"));
  auto refused = client.read_response();
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->substr(0, 12), "HTTP/1.1 505");
  EXPECT_EQ(server.handled.load(), 0);
}

TEST(HttpServerLimits, PipelinedRequestsAreAnsweredInOrderOnOneConnection) {
  CountingServer server;
  ASSERT_TRUE(server.server);
  RawConnection client(server.port());
  ASSERT_TRUE(
      client.send_all("GET /first HTTP/1.1\r\nHost: x\r\n\r\n"
                      "POST /second HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                      "GET /third HTTP/1.1\r\nHost: x\r\n\r\n"));
  for (const char* expected : {"GET /first 0", "POST /second 3", "GET /third 0"}) {
    auto response = client.read_response();
    ASSERT_TRUE(response.has_value()) << expected;
    EXPECT_EQ(*response, std::string("HTTP/1.1 200 OK\n") + expected);
  }
}

TEST(HttpServerLimits, ConnectionCloseIsHonoured) {
  CountingServer server;
  ASSERT_TRUE(server.server);
  RawConnection client(server.port());
  ASSERT_TRUE(client.send_all("GET /once HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  auto head = client.read_head();
  ASSERT_TRUE(head.has_value());
  EXPECT_NE(head->find("Connection: close"), std::string::npos) << *head;
  EXPECT_TRUE(client.wait_closed(kBound));
}

// The check sees the headers and refuses before the body is read: the client announced 10 MiB
// and sent none of it. An accepted request then reaches the handler with its body.
TEST(HttpServerLimits, HeaderCheckRefusesBeforeTheBodyIsRead) {
  HttpServerConfig config;
  config.max_body_bytes = 64 * 1024 * 1024;
  std::atomic<int> checked{0};
  std::atomic<bool> check_saw_body{false};
  config.header_check = [&](const HttpRequest& head) -> std::optional<HttpResponse> {
    ++checked;
    if (!head.body.empty())
      check_saw_body = true;
    if (head.header("Authorization") != "Bearer good")
      return HttpResponse{401, {{"WWW-Authenticate", "Bearer"}}, "no"};
    return std::nullopt;
  };
  CountingServer server(config);
  ASSERT_TRUE(server.server);

  RawConnection refused(server.port());
  ASSERT_TRUE(
      refused.send_all("POST /v1/vms HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer bad\r\n"
                       "Content-Length: 10485760\r\n\r\n"));
  auto unauthorized = refused.read_response();
  ASSERT_TRUE(unauthorized.has_value());
  EXPECT_EQ(*unauthorized, "HTTP/1.1 401 Unauthorized\nno");
  EXPECT_EQ(server.handled.load(), 0);

  RawConnection accepted(server.port());
  ASSERT_TRUE(
      accepted.send_all("POST /v1/vms HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer good\r\n"
                        "Content-Length: 5\r\n\r\nhello"));
  auto ok = accepted.read_response();
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, "HTTP/1.1 200 OK\nPOST /v1/vms 5");
  EXPECT_EQ(checked.load(), 2);
  EXPECT_FALSE(check_saw_body.load());
}

// Two handlers block: a third request gets 503 with Retry-After at once. Handlers that started
// a stream hold no place, however long they keep it open.
TEST(HttpServerLimits, InFlightCapGives503AndStreamsGiveTheirPlaceBack) {
  HttpServerConfig config;
  config.max_in_flight_requests = 2;
  Gate arrived;
  Gate release;
  auto server = start_server(
      [&](const HttpRequest& request, Responder& responder) {
        if (request.path == "/stream") {
          auto stream = responder.stream(200, {});
          stream->write("open\n");
          arrived.arrive();
          release.wait_open();  // keeps the handler thread, not the place
          stream->close();
          return;
        }
        if (request.path == "/block") {
          arrived.arrive();
          release.wait_open();
        }
        responder.reply({200, {}, "pong"});
      },
      config);
  ASSERT_TRUE(server);

  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 3; ++i) {  // one after the other: each gives its place back first
    held.push_back(std::make_unique<RawConnection>(server->port()));
    ASSERT_TRUE(held.back()->send_all("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n"));
    arrived.wait_for_arrivals(i + 1);
  }
  RawConnection ping(server->port());
  ASSERT_TRUE(ping.send_all("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto served = ping.read_response();
  ASSERT_TRUE(served.has_value());
  EXPECT_EQ(*served, "HTTP/1.1 200 OK\npong");

  for (int i = 0; i < 2; ++i) {
    held.push_back(std::make_unique<RawConnection>(server->port()));
    ASSERT_TRUE(held.back()->send_all("GET /block HTTP/1.1\r\nHost: x\r\n\r\n"));
  }
  arrived.wait_for_arrivals(5);
  ASSERT_TRUE(ping.send_all("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto head = ping.read_head();
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(status_line(*head), "HTTP/1.1 503 Service Unavailable");
  EXPECT_NE(head->find("Retry-After: 1"), std::string::npos) << *head;
  release.open();
}

TEST(HttpServerLimits, SilentClientIsDroppedAtTheHeaderDeadline) {
  HttpServerConfig config;
  config.header_timeout = std::chrono::milliseconds(300);
  CountingServer server(config);
  ASSERT_TRUE(server.server);
  RawConnection silent(server.port());
  EXPECT_TRUE(silent.wait_closed(kBound));
}

// One byte every 50 ms does not extend the 500 ms header deadline: the server closes the
// connection long before the 200 bytes (10 s) of header are in.
TEST(HttpServerLimits, TricklingClientIsDroppedAtTheHeaderDeadline) {
  HttpServerConfig config;
  config.header_timeout = std::chrono::milliseconds(500);
  CountingServer server(config);
  ASSERT_TRUE(server.server);
  RawConnection trickle(server.port());
  const std::string request = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(160, 'a');
  std::size_t sent = 0;
  for (; sent < request.size(); ++sent) {
    if (trickle.closed_now() || !trickle.send_all(request.substr(sent, 1)))
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_LT(sent, request.size());
  EXPECT_TRUE(trickle.wait_closed(kBound));
  EXPECT_EQ(server.handled.load(), 0);
}

TEST(HttpServerLimits, IdleKeptAliveConnectionIsClosedAtTheIdleDeadline) {
  HttpServerConfig config;
  config.idle_timeout = std::chrono::milliseconds(300);
  CountingServer server(config);
  ASSERT_TRUE(server.server);
  RawConnection client(server.port());
  ASSERT_TRUE(client.send_all("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(client.read_response().has_value());
  EXPECT_TRUE(client.wait_closed(kBound));
}

TEST(HttpServerLimits, TlsClientThatNeverHandshakesIsDroppedAtTheHandshakeDeadline) {
  hvo::testing::TestPki pki;
  HttpServerConfig config;
  config.tls = TlsServerConfig{pki.server.cert_file, pki.server.key_file, "", false};
  config.handshake_timeout = std::chrono::milliseconds(300);
  CountingServer server(config);
  ASSERT_TRUE(server.server);
  RawConnection silent(server.port());
  EXPECT_TRUE(silent.wait_closed(kBound));
}

// stop() returns while a client sits mid-header and another holds an idle kept-alive
// connection, and closes both.
TEST(HttpServerLimits, StopClosesSlowAndIdleConnections) {
  CountingServer server;
  ASSERT_TRUE(server.server);
  RawConnection idle(server.port());
  ASSERT_TRUE(idle.send_all("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(idle.read_response().has_value());
  RawConnection slow(server.port());
  ASSERT_TRUE(slow.send_all("GET / HTTP/1.1\r\nHost: x\r\n"));
  server.server->stop();
  EXPECT_TRUE(idle.wait_closed(kBound));
  EXPECT_TRUE(slow.wait_closed(kBound));
}

}  // namespace
}  // namespace hvo::net
