// The client on kept-alive connections that went stale: which requests it sends again (once, on
// a fresh connection) and which it reports as failed without sending them twice.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "tests/net/net_test_support.h"
#include "tests/net/scripted_server.h"
#include "tests/support/test_ports.h"

namespace hvo::net::testing {
namespace {

HttpRequest post(const std::string& path, const std::string& body) {
  HttpRequest request;
  request.method = "POST";
  request.path = path;
  request.headers["Content-Type"] = "application/json";
  request.body = body;
  return request;
}

int count_of(const std::vector<std::string>& requests, const std::string& line) {
  int count = 0;
  for (const auto& request : requests)
    count += request.rfind(line, 0) == 0 ? 1 : 0;
  return count;
}

// Every connection answers its first request, then reads the second and closes without a word,
// as a server that went away with the request in flight.
void answer_one_then_drop(int, ScriptedConnection& connection) {
  if (connection.read_request())
    connection.reply("answered");
  connection.read_request();
}

// The client returns a connection to its pool a moment after the response: the request after
// may still open a new one. Rounds repeat (a bounded number of times) until one request went out
// on the kept-alive connection; every round checks what must always hold.
constexpr int kMaxRounds = 20;

TEST(HttpClientReplay, PostSentWholeOnADroppedConnectionIsReportedNotSentTwice) {
  bool dropped_seen = false;
  for (int round = 0; round < kMaxRounds && !dropped_seen; ++round) {
    ScriptedServer server(answer_one_then_drop);
    auto client = make_client("http://127.0.0.1:" + std::to_string(server.port()));
    ASSERT_TRUE(client->send(get("/first")).ok());

    auto created = client->send(post("/things", R"({"name":"a"})"));
    EXPECT_EQ(count_of(server.requests(), "POST /things"), 1) << "round " << round;
    if (!created.ok()) {
      dropped_seen = true;
      EXPECT_EQ(created.error().code(), ErrorCode::kUnavailable);
      EXPECT_NE(created.error().message().find("may have applied it"), std::string::npos)
          << created.error().message();
      // The next request goes out on a new connection and is answered.
      auto next = client->send(post("/things", R"({"name":"b"})"));
      ASSERT_TRUE(next.ok()) << next.error().message();
      EXPECT_EQ(next->body, "answered");
    }
  }
  EXPECT_TRUE(dropped_seen) << "no POST went out on a kept-alive connection";
}

TEST(HttpClientReplay, IdempotentRequestIsResentOnAFreshConnection) {
  bool resent_seen = false;
  for (int round = 0; round < kMaxRounds && !resent_seen; ++round) {
    ScriptedServer server(answer_one_then_drop);
    auto client = make_client("http://127.0.0.1:" + std::to_string(server.port()));
    ASSERT_TRUE(client->send(get("/first")).ok());

    auto response = client->send(get("/second"));
    ASSERT_TRUE(response.ok()) << response.error().message();
    EXPECT_EQ(response->body, "answered");
    resent_seen = count_of(server.requests(), "GET /second") == 2;
  }
  EXPECT_TRUE(resent_seen) << "no GET went out on a kept-alive connection";
}

TEST(HttpClientReplay, PostMarkedIdempotentIsResent) {
  bool resent_seen = false;
  for (int round = 0; round < kMaxRounds && !resent_seen; ++round) {
    ScriptedServer server(answer_one_then_drop);
    auto client = make_client("http://127.0.0.1:" + std::to_string(server.port()));
    ASSERT_TRUE(client->send(get("/first")).ok());

    auto request = post("/v3/kv/range", R"({"key":"a"})");
    request.idempotent = true;
    auto response = client->send(request);
    ASSERT_TRUE(response.ok()) << response.error().message();
    EXPECT_EQ(response->body, "answered");
    resent_seen = count_of(server.requests(), "POST /v3/kv/range") == 2;
    // The body went out whole every time.
    for (const auto& seen : server.requests()) {
      if (seen.rfind("POST /v3/kv/range", 0) == 0) {
        EXPECT_NE(seen.find(R"({"key":"a"})"), std::string::npos) << seen;
      }
    }
  }
  EXPECT_TRUE(resent_seen) << "no POST went out on a kept-alive connection";
}

// cpprest does not read trailers: a response with them must not leave its connection in the pool,
// or the trailer bytes would be read as the start of the next response (etcd's gateway sends
// trailers with its errors).
TEST(HttpClientReplay, ResponseWithTrailersRetiresItsConnection) {
  ScriptedServer server([](int number, ScriptedConnection& connection) {
    if (number == 0) {
      if (!connection.read_request())
        return;
      connection.write(
          "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
          "Trailer: Grpc-Trailer-Content-Type\r\nTransfer-Encoding: chunked\r\n\r\n"
          "d\r\n{\"code\":11}\r\n\r\n0\r\n");
      // The trailer in a segment of its own, as Go writes it when the client is quick.
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      connection.write("Grpc-Trailer-Content-Type: application/grpc\r\n\r\n");
    }
    while (connection.read_request())
      connection.reply(number == 0 ? "same connection" : "fresh");
  });
  auto client = make_client("http://127.0.0.1:" + std::to_string(server.port()));
  auto error_response = client->send(get("/compacted"));
  ASSERT_TRUE(error_response.ok()) << error_response.error().message();
  EXPECT_EQ(error_response->status, 400);

  auto next = client->send(post("/txn", "{}"));
  ASSERT_TRUE(next.ok()) << next.error().message();
  EXPECT_EQ(next->body, "fresh");
  EXPECT_EQ(count_of(server.requests(), "POST /txn"), 1);
}

// The emulator-restart case: one client, the server stopped and started again on the same port
// between requests. Reads succeed; a create either succeeds or is reported as possibly applied,
// and the new server never sees it twice.
TEST(HttpClientReplay, ServerRestartBetweenRequestsOnOneClient) {
  const uint16_t port = hvo::testing::reserve_test_port();
  std::atomic<int> posts{0};
  auto handler = [&](const HttpRequest& request, Responder& responder) {
    if (request.method == "POST")
      ++posts;
    responder.reply(HttpResponse{200, {}, request.method});
  };
  HttpServerConfig config;
  config.port = port;
  auto client = make_client("http://127.0.0.1:" + std::to_string(port));
  for (int round = 0; round < 3; ++round) {
    auto server = HttpServer::start(config, handler);
    ASSERT_TRUE(server.ok()) << server.error().message();
    posts = 0;
    auto read = client->send(get("/read"));
    ASSERT_TRUE(read.ok()) << "round " << round << ": " << read.error().message();
    EXPECT_EQ(read->status, 200);
    auto created = client->send(post("/create", "{}"));
    if (created.ok()) {
      EXPECT_EQ(posts.load(), 1) << "round " << round;
    } else {
      EXPECT_LE(posts.load(), 1) << "round " << round;
      EXPECT_NE(created.error().message().find("not resent"), std::string::npos)
          << created.error().message();
    }
    auto again = client->send(post("/create", "{}"));
    ASSERT_TRUE(again.ok()) << "round " << round << ": " << again.error().message();
    (*server)->stop();
  }
}

}  // namespace
}  // namespace hvo::net::testing
