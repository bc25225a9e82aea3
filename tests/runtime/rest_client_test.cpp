#include "operator/rest_client.h"

#include <gtest/gtest.h>

#include <functional>

#include "tests/runtime/fake_api_server.h"
#include "tests/runtime/fake_clock.h"
#include "tests/runtime/metrics_text.h"
#include "tests/runtime/temp_dir.h"

namespace hvo::kube {
namespace {

using std::chrono::seconds;
using testing::FakeApiServer;
using testing::FakeClock;
using testing::sample;
using testing::TempDir;

const GroupVersionResource kVms{"hyperv.operator.io", "v1alpha1", "virtualmachines", true};
const std::string kCollection = "/apis/hyperv.operator.io/v1alpha1/namespaces/ns/virtualmachines";

json vm(const std::string& name, int cpu = 2) {
  return {{"apiVersion", "hyperv.operator.io/v1alpha1"},
          {"kind", "VirtualMachine"},
          {"metadata", {{"name", name}, {"namespace", "ns"}, {"labels", {{"tier", "web"}}}}},
          {"spec", {{"cpu", cpu}}}};
}

net::HttpResponse plain(int status, const std::string& body = "", net::Headers headers = {}) {
  net::HttpResponse response;
  response.status = status;
  response.body = body;
  response.headers = std::move(headers);
  return response;
}

class RestClientTest : public ::testing::Test {
 protected:
  RestClientTest() { clock.set_auto_advance(true); }

  RestClient make_client(RestClientOptions options = RestClientOptions(),
                         std::shared_ptr<TokenSource> tokens = nullptr) {
    options.random = [] { return 0.0; };
    return RestClient(server, "https://fake:6443", std::move(tokens), registry, options, clock);
  }

  std::shared_ptr<FakeApiServer> server = std::make_shared<FakeApiServer>();
  metrics::Registry registry;
  FakeClock clock;
};

TEST_F(RestClientTest, CreateGetUpdateDeleteRoundTrip) {
  RestClient client = make_client();
  auto created = client.create(kVms, "ns", vm("web"), {"hyperv-operator", false});
  ASSERT_TRUE(created.ok()) << created.error().message();
  EXPECT_EQ(server->requests().back().path, kCollection);
  EXPECT_EQ(server->requests().back().query_param("fieldManager"), "hyperv-operator");

  auto fetched = client.get(kVms, "ns", "web");
  ASSERT_TRUE(fetched.ok());
  EXPECT_EQ((*fetched)["spec"]["cpu"], 2);

  json changed = *fetched;
  changed["spec"]["cpu"] = 4;
  auto updated = client.update(kVms, changed);
  ASSERT_TRUE(updated.ok()) << updated.error().message();
  EXPECT_NE(resource_version_of(*updated), resource_version_of(*fetched));

  auto removed = client.remove(kVms, "ns", "web");
  ASSERT_TRUE(removed.ok());
  auto gone = client.get(kVms, "ns", "web");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(gone.error().message().find("get virtualmachines.hyperv.operator.io ns/web"),
            std::string::npos);
}

// A closed write fence refuses every request that is not a GET, unsent and not retried; reads
// go on, and an open fence lets writes through again.
TEST_F(RestClientTest, AClosedWriteFenceRefusesWritesUnsentAndLetsReadsThrough) {
  RestClient client = make_client();
  ASSERT_TRUE(client.create(kVms, "ns", vm("web")).ok());
  bool open = false;
  client.set_write_fence([&open](const net::HttpRequest& request) -> Status {
    if (open)
      return OkStatus();
    return Error(ErrorCode::kCancelled, "not sent: " + request.method + " " + request.path);
  });
  const std::size_t sent = server->requests().size();

  auto refused = client.create(kVms, "ns", vm("db"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kCancelled);
  EXPECT_NE(refused.error().message().find("not sent: POST " + kCollection), std::string::npos)
      << refused.error().message();
  EXPECT_FALSE(client.remove(kVms, "ns", "web").ok());
  EXPECT_EQ(server->requests().size(), sent);  // nothing reached the server, no retries

  EXPECT_TRUE(client.get(kVms, "ns", "web").ok());
  open = true;
  EXPECT_TRUE(client.create(kVms, "ns", vm("db")).ok());
}

TEST_F(RestClientTest, StaleStatusUpdateIsConflictAndARereadSucceeds) {
  RestClient client = make_client();
  const json stale = client.create(kVms, "ns", vm("web")).value();
  json fresh = stale;
  fresh["metadata"]["labels"]["owner"] = "someone-else";
  ASSERT_TRUE(client.update(kVms, fresh).ok());

  json status_write = stale;
  status_write["status"] = {{"phase", "Running"}};
  auto conflict = client.update_status(kVms, status_write);
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(server->requests().back().path, kCollection + "/web/status");
  EXPECT_NE(conflict.error().message().find("the object has been modified"), std::string::npos);

  json reread = client.get(kVms, "ns", "web").value();
  reread["status"] = {{"phase", "Running"}};
  auto written = client.update_status(kVms, reread);
  ASSERT_TRUE(written.ok()) << written.error().message();
  EXPECT_EQ((*written)["status"]["phase"], "Running");
}

TEST_F(RestClientTest, ListPagesWithLimitAndContinue) {
  RestClient client = make_client();
  for (const char* name : {"a", "b", "c"})
    ASSERT_TRUE(client.create(kVms, "ns", vm(name)).ok());
  ListOptions options;
  options.limit = 2;
  options.label_selector = "tier=web";
  auto first = client.list(kVms, "ns", options);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ((*first)["items"].size(), 2u);
  EXPECT_EQ(server->requests().back().query_param("labelSelector"), "tier=web");
  EXPECT_EQ(server->requests().back().raw_query, "labelSelector=tier%3Dweb&limit=2");
  options.continue_token = (*first)["metadata"]["continue"];
  auto second = client.list(kVms, "ns", options);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ((*second)["items"].size(), 1u);
  EXPECT_FALSE((*second)["metadata"].contains("continue"));
}

TEST_F(RestClientTest, RetriesConnectionErrorsOfIdempotentVerbsOnly) {
  RestClient client = make_client();
  ASSERT_TRUE(client.create(kVms, "ns", vm("web")).ok());
  for (int i = 0; i < 2; ++i) {
    server->add_fault(testing::fail_with(Error(ErrorCode::kUnavailable, "connection refused")));
  }
  const SteadyTime before = clock.now();
  auto fetched = client.get(kVms, "ns", "web");
  ASSERT_TRUE(fetched.ok()) << fetched.error().message();
  EXPECT_EQ(clock.now() - before, std::chrono::milliseconds(100 + 200));  // backoff, no jitter

  server->add_fault(testing::fail_with(Error(ErrorCode::kUnavailable, "connection reset")));
  auto created = client.create(kVms, "ns", vm("db"));
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(created.error().message().find("create virtualmachines.hyperv.operator.io ns/db"),
            std::string::npos);
}

TEST_F(RestClientTest, HonoursRetryAfterOnTooManyRequestsForAnyVerb) {
  RestClient client = make_client();
  server->add_fault(testing::answer_with(plain(429, "", {{"Retry-After", "3"}})));
  const SteadyTime before = clock.now();
  auto created = client.create(kVms, "ns", vm("web"));
  ASSERT_TRUE(created.ok()) << created.error().message();
  EXPECT_EQ(clock.now() - before, seconds(3));
}

TEST_F(RestClientTest, GivesUpOnServerErrorsAfterMaxRetries) {
  RestClientOptions options;
  options.max_retries = 2;
  RestClient client = make_client(options);
  for (int i = 0; i < 3; ++i) {
    server->add_fault(
        testing::answer_with(testing::status_response(503, "ServiceUnavailable", "etcd down")));
  }
  const std::size_t before = server->requests().size();
  auto fetched = client.get(kVms, "ns", "web");
  ASSERT_FALSE(fetched.ok());
  EXPECT_EQ(fetched.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(fetched.error().message().find("etcd down"), std::string::npos);
  EXPECT_EQ(server->requests().size() - before, 3u);
  EXPECT_EQ(
      sample(registry, R"(rest_client_requests_total{code="503",method="GET",host="fake:6443"})"),
      3);
}

TEST_F(RestClientTest, ServerErrorOnPatchIsNotRetried) {
  RestClient client = make_client();
  server->add_fault(testing::answer_with(testing::status_response(500, "InternalError", "boom")));
  auto patched = client.patch(kVms, "ns", "web", PatchType::kMerge, R"({"spec":{"cpu":3}})");
  ASSERT_FALSE(patched.ok());
  EXPECT_EQ(server->requests().size(), 1u);
}

// A 5xx may come after the server acted: only verbs that can be repeated safely are retried
// (GET, LIST, PUT guarded by resourceVersion, DELETE); POST and PATCH fail at once.
TEST_F(RestClientTest, ServerErrorsAreRetriedForIdempotentVerbsOnly) {
  RestClient client = make_client();
  ASSERT_TRUE(client.create(kVms, "ns", vm("web")).ok());
  const json stored = client.get(kVms, "ns", "web").value();
  struct Case {
    const char* verb;
    std::function<bool()> call;  // true when it succeeded
    bool retried;
  };
  const std::vector<Case> cases = {
      {"GET", [&] { return client.get(kVms, "ns", "web").ok(); }, true},
      {"LIST", [&] { return client.list(kVms, "ns").ok(); }, true},
      {"PUT",
       [&] {
         json object = stored;  // still current: nothing before it changed the object
         object["spec"]["cpu"] = 3;
         return client.update(kVms, object).ok();
       },
       true},
      {"POST", [&] { return client.create(kVms, "ns", vm("db")).ok(); }, false},
      {"PATCH",
       [&] {
         return client.patch(kVms, "ns", "web", PatchType::kMerge, R"({"spec":{"cpu":4}})").ok();
       },
       false},
      {"DELETE", [&] { return client.remove(kVms, "ns", "web").ok(); }, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.verb);
    // The first attempt meets a 503 (the server did not act); a retry would succeed.
    server->add_fault(testing::answer_with(
        testing::status_response(503, "ServiceUnavailable", "etcd leader changed")));
    const std::size_t before = server->requests().size();
    EXPECT_EQ(c.call(), c.retried);
    EXPECT_EQ(server->requests().size() - before, c.retried ? 2u : 1u);
  }
}

TEST_F(RestClientTest, RereadsARotatedTokenAfter401) {
  TempDir dir;
  const std::string token_file = dir.write("token", "old-token");
  auto tokens = std::make_shared<FileTokenSource>(token_file, clock);
  RestClient client = make_client(RestClientOptions(), tokens);
  server->require_token("old-token");
  ASSERT_TRUE(client.create(kVms, "ns", vm("web")).ok());

  dir.write("token", "new-token");
  server->require_token("new-token");
  auto fetched = client.get(kVms, "ns", "web");
  ASSERT_TRUE(fetched.ok()) << fetched.error().message();
  EXPECT_EQ(server->requests().back().header("Authorization"), "Bearer new-token");
  EXPECT_EQ(
      sample(registry, R"(rest_client_requests_total{code="401",method="GET",host="fake:6443"})"),
      1);
}

TEST_F(RestClientTest, PatchSendsTheContentTypeOfItsKind) {
  RestClient client = make_client();
  ASSERT_TRUE(client.create(kVms, "ns", vm("web")).ok());
  ASSERT_TRUE(client.patch(kVms, "ns", "web", PatchType::kMerge, R"({"spec":{"cpu":3}})").ok());
  EXPECT_EQ(server->requests().back().header("Content-Type"), "application/merge-patch+json");
  EXPECT_EQ(server->object(kCollection + "/web").value()["spec"]["cpu"], 3);

  PatchOptions status_patch;
  status_patch.subresource = "status";
  ASSERT_TRUE(
      client
          .patch(kVms, "ns", "web", PatchType::kMerge, R"({"status":{"phase":"On"}})", status_patch)
          .ok());
  EXPECT_EQ(server->requests().back().path, kCollection + "/web/status");

  auto unmanaged = client.patch(kVms, "ns", "web", PatchType::kApply, "{}");
  ASSERT_FALSE(unmanaged.ok());
  EXPECT_EQ(unmanaged.error().code(), ErrorCode::kInvalidArgument);

  PatchOptions apply;
  apply.field_manager = "hyperv-operator";
  apply.force = true;
  (void)client.patch(kVms, "ns", "web", PatchType::kApply, R"({"spec":{"cpu":5}})", apply);
  const net::HttpRequest sent = server->requests().back();
  EXPECT_EQ(sent.header("Content-Type"), "application/apply-patch+yaml");
  EXPECT_EQ(sent.query_param("fieldManager"), "hyperv-operator");
  EXPECT_EQ(sent.query_param("force"), "true");
}

TEST_F(RestClientTest, DeleteSendsPreconditionsAndPropagation) {
  RestClient client = make_client();
  const json created = client.create(kVms, "ns", vm("web")).value();
  DeleteOptions options;
  options.precondition_resource_version = "1";
  options.propagation = PropagationPolicy::kBackground;
  auto refused = client.remove(kVms, "ns", "web", options);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kConflict);
  const json body = json::parse(server->requests().back().body);
  EXPECT_EQ(body["propagationPolicy"], "Background");
  EXPECT_EQ(body["preconditions"]["resourceVersion"], "1");

  options.precondition_resource_version = resource_version_of(created);
  EXPECT_TRUE(client.remove(kVms, "ns", "web", options).ok());
}

TEST_F(RestClientTest, ClientSideRateLimitSpacesRequests) {
  RestClientOptions options;
  options.qps = 2;
  options.burst = 1;
  RestClient client = make_client(options);
  const SteadyTime before = clock.now();
  for (int i = 0; i < 3; ++i)
    (void)client.get(kVms, "ns", "missing");
  EXPECT_EQ(clock.now() - before, std::chrono::milliseconds(1000));
}

TEST_F(RestClientTest, WatchStreamsEventsFromAResourceVersion) {
  RestClient client = make_client();
  const json first = client.create(kVms, "ns", vm("a")).value();
  ASSERT_TRUE(client.create(kVms, "ns", vm("b")).ok());
  server->bookmark();
  ASSERT_TRUE(client.remove(kVms, "ns", "a").ok());

  std::vector<std::pair<WatchEventType, std::string>> seen;
  WatchOptions options;
  options.resource_version = resource_version_of(first);
  Status status = client.watch(kVms, "ns", options, [&](WatchEvent event) {
    seen.emplace_back(event.type, name_of(event.object));
    return seen.size() < 3;
  });
  ASSERT_TRUE(status.ok()) << status.error().message();
  const net::HttpRequest sent = server->requests().back();
  EXPECT_EQ(sent.query_param("watch"), "1");
  EXPECT_EQ(sent.query_param("allowWatchBookmarks"), "true");
  EXPECT_EQ(sent.query_param("resourceVersion"), resource_version_of(first));
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], std::make_pair(WatchEventType::kAdded, std::string("b")));
  EXPECT_EQ(seen[1].first, WatchEventType::kBookmark);
  EXPECT_EQ(seen[2], std::make_pair(WatchEventType::kDeleted, std::string("a")));
}

TEST_F(RestClientTest, WatchFromACompactedVersionDeliversAnExpiredError) {
  RestClient client = make_client();
  ASSERT_TRUE(client.create(kVms, "ns", vm("a")).ok());
  server->compact();
  WatchOptions options;
  options.resource_version = "1";
  std::optional<WatchEvent> error_event;
  Status status = client.watch(kVms, "ns", options, [&](WatchEvent event) {
    error_event = event;
    return true;
  });
  ASSERT_TRUE(status.ok());
  ASSERT_TRUE(error_event.has_value());
  EXPECT_EQ(error_event->type, WatchEventType::kError);
  EXPECT_EQ(decode_status_object(error_event->object.dump()).code(), ErrorCode::kGone);
}

TEST_F(RestClientTest, WatchRefusedByTheServerReturnsTheDecodedError) {
  RestClient client = make_client();
  server->add_fault(
      testing::answer_with(testing::status_response(403, "Forbidden", "no watch for you")));
  Status status = client.watch(kVms, "", WatchOptions(), [](WatchEvent) { return true; });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(server->requests().back().path, "/apis/hyperv.operator.io/v1alpha1/virtualmachines");
}

}  // namespace
}  // namespace hvo::kube
