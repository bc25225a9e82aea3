#include "operator/health_server.h"

#include <gtest/gtest.h>

#include "common/net/http_client.h"
#include "tests/support/test_ports.h"

namespace hvo::kube {
namespace {

net::HttpRequest get(const std::string& path, std::map<std::string, std::string> query = {}) {
  net::HttpRequest request;
  request.method = "GET";
  request.path = path;
  request.query = std::move(query);
  return request;
}

class HealthEndpointsTest : public ::testing::Test {
 protected:
  HealthEndpointsTest() {
    registry.counter("hvo_test_total", "A counter for the test").with({}).inc(3);
  }
  metrics::Registry registry;
  HealthEndpoints endpoints{registry};
};

TEST_F(HealthEndpointsTest, ServesTheRegistryInTheTextFormat) {
  const net::HttpResponse response = endpoints.handle(get("/metrics"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.header("Content-Type"), metrics::kExpositionContentType);
  EXPECT_NE(response.body.find("hvo_test_total 3"), std::string::npos) << response.body;
}

TEST_F(HealthEndpointsTest, ReadyOnlyWhenEveryCheckPasses) {
  bool synced = false;
  endpoints.add_ready_check("informer-virtualmachines", [&]() -> Status {
    if (synced)
      return OkStatus();
    return Error(ErrorCode::kUnavailable, "not synced");
  });
  endpoints.add_ready_check("leader-or-standby", [] { return OkStatus(); });

  net::HttpResponse waiting = endpoints.handle(get("/readyz"));
  EXPECT_EQ(waiting.status, 500);
  EXPECT_EQ(waiting.body,
            "[-]informer-virtualmachines failed: not synced\n[+]leader-or-standby ok\n"
            "readyz check failed\n");

  synced = true;
  net::HttpResponse ready = endpoints.handle(get("/readyz"));
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, "ok");
  net::HttpResponse verbose = endpoints.handle(get("/readyz", {{"verbose", ""}}));
  EXPECT_EQ(verbose.body,
            "[+]informer-virtualmachines ok\n[+]leader-or-standby ok\nreadyz check passed\n");
}

TEST_F(HealthEndpointsTest, HealthzIsIndependentOfReadiness) {
  endpoints.add_ready_check("never", [] { return Status(Error(ErrorCode::kUnavailable, "no")); });
  EXPECT_EQ(endpoints.handle(get("/healthz")).status, 200);
  EXPECT_EQ(endpoints.handle(get("/livez")).status, 200);
  endpoints.add_health_check("deadlock",
                             [] { return Status(Error(ErrorCode::kInternal, "worker stuck")); });
  EXPECT_EQ(endpoints.handle(get("/healthz")).status, 500);
}

TEST_F(HealthEndpointsTest, UnknownPathsAndMethods) {
  EXPECT_EQ(endpoints.handle(get("/debug")).status, 404);
  net::HttpRequest post = get("/metrics");
  post.method = "POST";
  EXPECT_EQ(endpoints.handle(post).status, 405);
}

TEST(HealthServer, AnswersOverHttp) {
  metrics::Registry registry;
  registry.gauge("hvo_up", "Up").with({}).set(1);
  HealthEndpoints endpoints(registry);
  auto server = HealthServer::start("127.0.0.1", hvo::testing::reserve_test_port(), endpoints);
  ASSERT_TRUE(server.ok()) << server.error().message();

  net::HttpClientConfig config;
  config.base_url = "http://127.0.0.1:" + std::to_string((*server)->port());
  auto client = net::HttpClient::create(config);
  ASSERT_TRUE(client.ok()) << client.error().message();
  auto metrics = (*client)->send(get("/metrics"));
  ASSERT_TRUE(metrics.ok()) << metrics.error().message();
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("hvo_up 1"), std::string::npos);
  auto ready = (*client)->send(get("/readyz"));
  ASSERT_TRUE(ready.ok());
  EXPECT_EQ(ready->body, "ok");
  (*server)->stop();
}

}  // namespace
}  // namespace hvo::kube
