#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "tests/net/net_test_support.h"
#include "tests/support/test_ports.h"

namespace hvo::net {
namespace {

using testing::Gate;
using testing::get;
using testing::make_client;
using testing::RawConnection;
using testing::start_server;
using testing::url_of;

TEST(HttpServer, HandsTheHandlerMethodDecodedPathQueryHeadersAndBody) {
  std::mutex mu;
  HttpRequest seen;
  auto server = start_server([&](const HttpRequest& request, Responder& responder) {
    {
      std::lock_guard<std::mutex> lock(mu);
      seen = request;
    }
    responder.reply({201, {{"X-Reply", "yes"}, {"Content-Type", "application/json"}}, "{}"});
  });
  ASSERT_TRUE(server);
  auto client = make_client(url_of(*server));
  HttpRequest request;
  request.method = "PATCH";
  request.path = "/apis/x y/objects";
  request.raw_query = "watch=1&labelSelector=app%3Dweb+x";
  request.headers = {{"X-Test", "value 1"}, {"Content-Type", "application/merge-patch+json"}};
  request.body = "{\"spec\":{}}";
  auto response = client->send(request);
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->header("x-reply"), "yes");
  EXPECT_EQ(response->header("Content-Type"), "application/json");
  EXPECT_EQ(response->body, "{}");

  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(seen.method, "PATCH");
  EXPECT_EQ(seen.path, "/apis/x y/objects");
  EXPECT_EQ(seen.raw_query, "watch=1&labelSelector=app%3Dweb+x");
  EXPECT_EQ(seen.query_param("labelSelector"), "app=web x");
  EXPECT_EQ(seen.query_param("watch"), "1");
  EXPECT_EQ(seen.header("x-test"), "value 1");
  EXPECT_EQ(seen.header("Content-Type"), "application/merge-patch+json");
  EXPECT_EQ(seen.body, "{\"spec\":{}}");
}

TEST(HttpServer, RepliesWithAnyStatusHeadersAndBody) {
  const int statuses[] = {200, 201, 202, 400, 401, 403, 404, 409, 410, 422, 429, 500, 503};
  auto server = start_server([](const HttpRequest& request, Responder& responder) {
    int status = std::stoi(request.query_param("status"));
    responder.reply({status, {{"X-Status", std::to_string(status)}}, "body " + request.path});
  });
  ASSERT_TRUE(server);
  auto client = make_client(url_of(*server));
  for (int status : statuses) {
    auto request = get("/s");
    request.query = {{"status", std::to_string(status)}};
    auto response = client->send(request);
    ASSERT_TRUE(response.ok()) << response.error().message();
    EXPECT_EQ(response->status, status);
    EXPECT_EQ(response->header("X-Status"), std::to_string(status));
    EXPECT_EQ(response->body, "body /s");
  }
}

TEST(HttpServer, EmptyReplyHasNoBody) {
  auto server = start_server([](const HttpRequest&, Responder& responder) {
    responder.reply({204, {}, ""});
  });
  ASSERT_TRUE(server);
  auto response = make_client(url_of(*server))->send(get("/"));
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ(response->status, 204);
  EXPECT_EQ(response->body, "");
}

// Answers with the size of the body it got and counts the requests its handler saw.
std::unique_ptr<HttpServer> start_body_size_server(std::size_t max_body_bytes,
                                                   std::atomic<int>& handled) {
  HttpServerConfig config;
  config.max_body_bytes = max_body_bytes;
  return start_server(
      [&handled](const HttpRequest& request, Responder& responder) {
        ++handled;
        responder.reply({200, {}, std::to_string(request.body.size())});
      },
      config);
}

TEST(HttpServer, BodyOverTheLimitWithContentLengthGets413WithoutTheHandler) {
  std::atomic<int> handled{0};
  auto server = start_body_size_server(1024, handled);
  ASSERT_TRUE(server);
  auto client = make_client(url_of(*server));
  HttpRequest request;
  request.method = "POST";
  request.path = "/upload";
  request.body = std::string(1025, 'x');
  auto too_big = client->send(request);
  ASSERT_TRUE(too_big.ok()) << too_big.error().message();
  EXPECT_EQ(too_big->status, 413);
  EXPECT_EQ(handled.load(), 0);

  request.body = std::string(1024, 'x');
  auto at_limit = client->send(request);
  ASSERT_TRUE(at_limit.ok()) << at_limit.error().message();
  EXPECT_EQ(at_limit->status, 200);
  EXPECT_EQ(at_limit->body, "1024");
  EXPECT_EQ(handled.load(), 1);
}

std::string chunked_post(std::size_t chunks, std::size_t chunk_size) {
  std::string request =
      "POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  char size_line[32];
  std::snprintf(size_line, sizeof(size_line), "%zx\r\n", chunk_size);
  for (std::size_t i = 0; i < chunks; ++i) {
    request += size_line;
    request += std::string(chunk_size, 'y');
    request += "\r\n";
  }
  return request + "0\r\n\r\n";
}

TEST(HttpServer, ChunkedBodyOverTheLimitGets413WithoutTheHandler) {
  std::atomic<int> handled{0};
  auto server = start_body_size_server(100 * 1024, handled);
  ASSERT_TRUE(server);

  RawConnection too_big(server->port());
  ASSERT_TRUE(too_big.send_all(chunked_post(50, 4096)));  // 200 KiB, no Content-Length
  auto rejected = too_big.read_response();
  ASSERT_TRUE(rejected.has_value());
  EXPECT_EQ(rejected->substr(0, 12), "HTTP/1.1 413");
  EXPECT_EQ(handled.load(), 0);

  RawConnection small(server->port());
  ASSERT_TRUE(small.send_all(chunked_post(3, 1000)));
  auto accepted = small.read_response();
  ASSERT_TRUE(accepted.has_value());
  EXPECT_EQ(*accepted, "HTTP/1.1 200 OK\n3000");
  EXPECT_EQ(handled.load(), 1);
}

TEST(HttpServer, HandlerThatThrowsOrDoesNotAnswerGives500) {
  auto server = start_server([](const HttpRequest& request, Responder&) {
    if (request.path == "/throw")
      throw std::runtime_error("boom");
  });
  ASSERT_TRUE(server);
  auto client = make_client(url_of(*server));
  for (const char* path : {"/throw", "/silent"}) {
    auto response = client->send(get(path));
    ASSERT_TRUE(response.ok()) << response.error().message();
    EXPECT_EQ(response->status, 500) << path;
  }
}

// More handlers block at once than cpprest has I/O threads (40): a further request is still
// served, because handlers run on threads of the server's own.
TEST(HttpServer, ServesRequestsWhileManyHandlersBlockWithOpenStreams) {
  constexpr int kStreams = 60;
  Gate handlers_blocked;
  Gate release;
  auto server = start_server([&](const HttpRequest& request, Responder& responder) {
    if (request.path == "/ping") {
      responder.reply({200, {}, "pong"});
      return;
    }
    auto stream = responder.stream(200, {{"Content-Type", "application/json"}});
    stream->write("{\"type\":\"ADDED\"}\n");
    handlers_blocked.arrive();
    release.wait_open();
    stream->close();
  });
  ASSERT_TRUE(server);
  auto client = make_client(url_of(*server));
  std::atomic<int> lines{0};
  std::vector<std::thread> watchers;
  for (int i = 0; i < kStreams; ++i) {
    watchers.emplace_back([&] {
      auto result = client->stream_lines(
          get("/watch"),
          [&](std::string_view) {
            ++lines;
            return true;
          },
          nullptr, std::chrono::milliseconds(0));
      EXPECT_TRUE(result.ok()) << result.error().message();
    });
  }
  handlers_blocked.wait_for_arrivals(kStreams);
  auto ping = client->send(get("/ping"));
  release.open();
  for (auto& watcher : watchers)
    watcher.join();
  ASSERT_TRUE(ping.ok()) << ping.error().message();
  EXPECT_EQ(ping->body, "pong");
  EXPECT_EQ(lines.load(), kStreams);
}

TEST(HttpServer, StopClosesOpenStreamsAndReturns) {
  std::mutex mu;
  std::vector<std::shared_ptr<ResponseStream>> open_streams;
  auto server = start_server([&](const HttpRequest&, Responder& responder) {
    auto stream = responder.stream(200, {});
    stream->write("hello\n");
    std::lock_guard<std::mutex> lock(mu);
    open_streams.push_back(stream);  // outlives the handler, as a watch does
  });
  ASSERT_TRUE(server);
  auto client = make_client(url_of(*server));
  testing::BackgroundWatch watch(*client, get("/watch"), nullptr);
  watch.wait_for_lines(1);
  server->stop();
  auto watch_result = watch.join();  // the stream ended with the server
  ASSERT_TRUE(watch_result.ok()) << watch_result.error().message();
  EXPECT_EQ(watch_result->status, 200);
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(open_streams.size(), 1u);
  EXPECT_TRUE(open_streams[0]->closed());
  EXPECT_FALSE(open_streams[0]->write("late\n"));
}

TEST(HttpServer, StreamWritesFailSoonAfterTheClientLeaves) {
  Gate done;
  std::atomic<int> writes_after_leave{0};
  std::atomic<bool> write_failed{false};
  Gate client_left;
  auto server = start_server([&](const HttpRequest&, Responder& responder) {
    auto stream = responder.stream(200, {});
    stream->write("first\n");
    client_left.wait_open();
    // Bounded loop: the write that reaches the closed socket fails, and later ones report it.
    for (int i = 0; i < 1000 && !write_failed; ++i) {
      if (stream->write("event " + std::to_string(i) + "\n")) {
        ++writes_after_leave;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      } else {
        write_failed = true;
      }
    }
    done.arrive();
  });
  ASSERT_TRUE(server);
  auto client = make_client(url_of(*server));
  auto result = client->stream_lines(
      get("/watch"), [](std::string_view) { return false; }, nullptr, std::chrono::milliseconds(0));
  ASSERT_TRUE(result.ok()) << result.error().message();
  client_left.open();
  done.wait_for_arrivals(1);
  EXPECT_TRUE(write_failed.load()) << "writes kept succeeding: " << writes_after_leave.load();
}

TEST(HttpServer, StreamToAClientThatDoesNotReadIsClosedAtTheBufferLimit) {
  HttpServerConfig config;
  config.max_stream_buffer_bytes = 256 * 1024;
  std::atomic<bool> write_failed{false};
  std::atomic<std::size_t> written{0};
  Gate done;
  auto server = start_server(
      [&](const HttpRequest&, Responder& responder) {
        auto stream = responder.stream(200, {});
        const std::string chunk(16 * 1024, 'z');
        // 1 GiB at most: far beyond socket buffers plus the limit, so only the limit ends it.
        for (int i = 0; i < 65536; ++i) {
          if (!stream->write(chunk)) {
            write_failed = true;
            break;
          }
          written += chunk.size();
        }
        done.arrive();
      },
      config);
  ASSERT_TRUE(server);
  RawConnection reader(server->port());
  reader.shrink_receive_buffer();
  ASSERT_TRUE(reader.send_all("GET /watch HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  done.wait_for_arrivals(1);  // never reads a byte
  EXPECT_TRUE(write_failed.load());
  EXPECT_LT(written.load(), 64u * 1024 * 1024);
}

TEST(HttpServer, StartFailsWhenThePortIsTaken) {
  auto first = start_server([](const HttpRequest&, Responder& r) { r.reply({200, {}, ""}); });
  ASSERT_TRUE(first);
  HttpServerConfig config;
  config.port = first->port();
  auto second = HttpServer::start(config, [](const HttpRequest&, Responder& r) {
    r.reply({200, {}, ""});
  });
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(second.error().message().find(std::to_string(first->port())), std::string::npos);
}

TEST(HttpServer, StartRejectsAMissingPortOrTlsFile) {
  auto handler = [](const HttpRequest&, Responder& r) { r.reply({200, {}, ""}); };
  auto no_port = HttpServer::start(HttpServerConfig(), handler);
  ASSERT_FALSE(no_port.ok());
  EXPECT_EQ(no_port.error().code(), ErrorCode::kInvalidArgument);

  HttpServerConfig config;
  config.port = hvo::testing::reserve_test_port();
  config.tls = TlsServerConfig();
  config.tls->cert_file = "/nonexistent/server.crt";
  config.tls->key_file = "/nonexistent/server.key";
  auto no_cert = HttpServer::start(config, handler);
  ASSERT_FALSE(no_cert.ok());
  EXPECT_EQ(no_cert.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(no_cert.error().message().find("tls.cert_file"), std::string::npos)
      << no_cert.error().message();
}

TEST(PickFreePort, ReturnsABindableLoopbackPort) {
  uint16_t port = pick_free_port();
  EXPECT_GT(port, 0);
  HttpServerConfig config;
  config.port = port;
  auto server = HttpServer::start(config, [](const HttpRequest&, Responder& r) {
    r.reply({200, {}, ""});
  });
  EXPECT_TRUE(server.ok());
}

}  // namespace
}  // namespace hvo::net
