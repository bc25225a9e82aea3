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
using testing::start_server;
using testing::url_of;

constexpr std::chrono::milliseconds kNoIdleTimeout{0};

TEST(HttpClient, ConnectionRefusedIsUnavailableAndNamesTheUrl) {
  std::string url = "http://127.0.0.1:" + std::to_string(hvo::testing::reserve_test_port());
  auto client = make_client(url);
  auto response = client->send(get("/api/v1/pods"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(response.error().message().find(url + "/api/v1/pods"), std::string::npos)
      << response.error().message();
}

TEST(HttpClient, SlowResponseIsTimeout) {
  Gate release;
  auto server = start_server([&](const HttpRequest&, Responder& responder) {
    release.wait_open();
    responder.reply({200, {}, "late"});
  });
  ASSERT_TRUE(server);
  auto client = make_client(url_of(*server), {}, std::chrono::milliseconds(200));
  auto response = client->send(get("/slow"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code(), ErrorCode::kTimeout);

  // A request's own timeout wins over the client's.
  auto patient = make_client(url_of(*server), {}, std::chrono::seconds(30));
  auto request = get("/slow");
  request.timeout = std::chrono::milliseconds(200);
  auto own = patient->send(request);
  ASSERT_FALSE(own.ok());
  EXPECT_EQ(own.error().code(), ErrorCode::kTimeout);
  release.open();
}

TEST(HttpClient, SendsQueryParametersEncoded) {
  auto server = start_server([](const HttpRequest& request, Responder& responder) {
    responder.reply({200, {}, request.raw_query + "|" + request.query_param("labelSelector")});
  });
  ASSERT_TRUE(server);
  auto request = get("/api/v1/pods");
  request.query = {{"labelSelector", "app=web,tier!=db"}, {"watch", "true"}};
  auto response = make_client(url_of(*server))->send(request);
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ(response->body, "labelSelector=app%3Dweb%2Ctier%21%3Ddb&watch=true|app=web,tier!=db");
}

TEST(HttpClient, IsSafeToShareBetweenThreads) {
  auto server = start_server([](const HttpRequest& request, Responder& responder) {
    responder.reply({200, {}, request.path});
  });
  ASSERT_TRUE(server);
  auto client = make_client(url_of(*server));
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        std::string path = "/t" + std::to_string(t) + "/" + std::to_string(i);
        auto response = client->send(get(path));
        if (response.ok() && response->status == 200 && response->body == path)
          ++good;
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(good.load(), 8 * 50);
}

TEST(HttpClient, StreamLinesDeliversTheFirstLineBeforeTheLastIsWritten) {
  Gate first_seen;
  std::atomic<bool> last_written{false};
  auto server = start_server([&](const HttpRequest&, Responder& responder) {
    auto stream = responder.stream(200, {{"Content-Type", "application/json"}});
    stream->write("{\"n\":1}\n");
    first_seen.wait_open();  // the client must see line 1 while line 2 is still unwritten
    last_written = true;
    stream->write("{\"n\":2}\n");
    stream->close();
  });
  ASSERT_TRUE(server);
  std::vector<std::string> lines;
  bool first_before_last = false;
  auto result = make_client(url_of(*server))
                    ->stream_lines(
                        get("/watch"),
                        [&](std::string_view line) {
                          if (lines.empty()) {
                            first_before_last = !last_written;
                            first_seen.open();
                          }
                          lines.emplace_back(line);
                          return true;
                        },
                        std::make_shared<Cancellation>(), kNoIdleTimeout);
  ASSERT_TRUE(result.ok()) << result.error().message();
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->header("Content-Type"), "application/json");
  EXPECT_EQ(result->body, "");
  EXPECT_TRUE(first_before_last);
  EXPECT_EQ(lines, (std::vector<std::string>{"{\"n\":1}", "{\"n\":2}"}));
}

TEST(HttpClient, StreamLinesStopsWhenOnLineReturnsFalse) {
  auto server = start_server([](const HttpRequest&, Responder& responder) {
    auto stream = responder.stream(200, {});
    for (int i = 0; i < 5; ++i)
      stream->write("line" + std::to_string(i) + "\n");
    stream->close();
  });
  ASSERT_TRUE(server);
  int calls = 0;
  auto result = make_client(url_of(*server))
                    ->stream_lines(
                        get("/watch"),
                        [&](std::string_view) {
                          ++calls;
                          return calls < 2;
                        },
                        nullptr, kNoIdleTimeout);
  ASSERT_TRUE(result.ok()) << result.error().message();
  EXPECT_EQ(calls, 2);
}

TEST(HttpClient, CancelFromAnotherThreadEndsABlockedStream) {
  Gate release;
  auto server = start_server([&](const HttpRequest&, Responder& responder) {
    auto stream = responder.stream(200, {});
    stream->write("only line\n");
    release.wait_open();  // then silence: the client is blocked in a read
  });
  ASSERT_TRUE(server);
  auto client = make_client(url_of(*server));
  auto cancel = std::make_shared<Cancellation>();
  testing::BackgroundWatch watch(*client, get("/watch"), cancel);
  watch.wait_for_lines(1);
  cancel->cancel();
  auto result = watch.join();
  release.open();
  ASSERT_TRUE(result.ok()) << result.error().message();
  EXPECT_EQ(result->status, 200);
}

TEST(HttpClient, CancelledBeforeTheStartIsCancelled) {
  auto server = start_server(
      [](const HttpRequest&, Responder& responder) { responder.stream(200, {})->write("x\n"); });
  ASSERT_TRUE(server);
  auto cancel = std::make_shared<Cancellation>();
  cancel->cancel();
  auto [result, lines] =
      testing::collect_lines(*make_client(url_of(*server)), get("/watch"), cancel);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kCancelled);
  EXPECT_TRUE(lines.empty());
}

TEST(HttpClient, StreamWithoutDataForTheIdleTimeoutIsTimeout) {
  Gate release;
  auto server = start_server([&](const HttpRequest&, Responder& responder) {
    auto stream = responder.stream(200, {});
    stream->write("one\n");
    release.wait_open();
  });
  ASSERT_TRUE(server);
  auto [result, lines] = testing::collect_lines(*make_client(url_of(*server)), get("/watch"),
                                                nullptr, std::chrono::milliseconds(200));
  release.open();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kTimeout);
  EXPECT_EQ(lines, (std::vector<std::string>{"one"}));
}

TEST(HttpClient, StreamLinesReturnsAnErrorResponseWhole) {
  const std::string status_json = R"({"kind":"Status","code":410,"reason":"Expired"})";
  auto server = start_server([&](const HttpRequest&, Responder& responder) {
    responder.reply({410, {{"Content-Type", "application/json"}}, status_json});
  });
  ASSERT_TRUE(server);
  auto [result, lines] = testing::collect_lines(*make_client(url_of(*server)), get("/watch"));
  ASSERT_TRUE(result.ok()) << result.error().message();
  EXPECT_EQ(result->status, 410);
  EXPECT_EQ(result->body, status_json);
  EXPECT_TRUE(lines.empty());
}

TEST(HttpClient, StreamLinesHandlesAOneMebibyteLine) {
  std::string big = "{\"data\":\"" + std::string(1024 * 1024, 'q') + "\"}";
  auto server = start_server([&](const HttpRequest&, Responder& responder) {
    auto stream = responder.stream(200, {});
    // Written in uneven pieces, as a large event may be.
    stream->write(big.substr(0, 1000));
    stream->write(big.substr(1000) + "\n{\"small\":1}\n");
    stream->close();
  });
  ASSERT_TRUE(server);
  auto [result, lines] = testing::collect_lines(*make_client(url_of(*server)), get("/watch"));
  ASSERT_TRUE(result.ok()) << result.error().message();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], big);
  EXPECT_EQ(lines[1], "{\"small\":1}");
}

TEST(Cancellation, RunsCallbacksOnceAndForgetsRemovedOnes) {
  Cancellation cancel;
  int kept = 0;
  int removed = 0;
  cancel.on_cancel([&] { ++kept; });
  auto id = cancel.on_cancel([&] { ++removed; });
  cancel.remove_callback(id);
  cancel.cancel();
  cancel.cancel();
  EXPECT_EQ(kept, 1);
  EXPECT_EQ(removed, 0);
  int late = 0;
  EXPECT_EQ(cancel.on_cancel([&] { ++late; }), 0u);
  EXPECT_EQ(late, 1);
}

// An informer reuses one Cancellation for watch after watch; cancelling it later must only
// touch the call that is running.
TEST(HttpClient, OneCancellationServesSeveralStreamsInTurn) {
  Gate release;
  auto server = start_server([&](const HttpRequest& request, Responder& responder) {
    auto stream = responder.stream(200, {});
    stream->write("line\n");
    if (request.path == "/hang")
      release.wait_open();
  });
  ASSERT_TRUE(server);
  auto client = make_client(url_of(*server));
  auto cancel = std::make_shared<Cancellation>();
  for (int i = 0; i < 3; ++i) {
    auto done = client->stream_lines(
        get("/short"), [](std::string_view) { return true; }, cancel, kNoIdleTimeout);
    ASSERT_TRUE(done.ok()) << done.error().message();
  }
  testing::BackgroundWatch hanging(*client, get("/hang"), cancel);
  hanging.wait_for_lines(1);
  cancel->cancel();
  auto result = hanging.join();
  release.open();
  EXPECT_TRUE(result.ok());
}

TEST(HttpClient, CreateRejectsABadUrlOrUnreadableTlsFiles) {
  HttpClientConfig config;
  config.base_url = "not a url";
  auto bad_url = HttpClient::create(config);
  ASSERT_FALSE(bad_url.ok());
  EXPECT_EQ(bad_url.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad_url.error().message().find("base_url"), std::string::npos);

  config.base_url = "ftp://127.0.0.1";
  EXPECT_FALSE(HttpClient::create(config).ok());

  config.base_url = "https://127.0.0.1:6443";
  config.tls.ca_file = "/nonexistent/ca.crt";
  auto no_ca = HttpClient::create(config);
  ASSERT_FALSE(no_ca.ok());
  EXPECT_EQ(no_ca.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(no_ca.error().message().find("tls.ca_file"), std::string::npos)
      << no_ca.error().message();

  config.tls = TlsClientConfig();
  config.tls.ca_pem = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
  auto bad_pem = HttpClient::create(config);
  ASSERT_FALSE(bad_pem.ok());
  EXPECT_NE(bad_pem.error().message().find("tls.ca_pem"), std::string::npos)
      << bad_pem.error().message();
}

}  // namespace
}  // namespace hvo::net
