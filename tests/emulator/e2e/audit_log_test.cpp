// The audit log (--audit-log-path): one audit.k8s.io/v1 Event per request, found by the Audit-Id
// response header, with kube's verbs, objectRef, user and response code.
#include <thread>

#include "tests/emulator/e2e/emulator_fixture.h"

namespace hvo::testing {
namespace {

using nlohmann::json;

class AuditLog : public EmulatorTest {
 protected:
  // The event of `stage` with this auditID; the server writes it before answering, so it is
  // there once the response is.
  static json event_of(const std::string& audit_id, const std::string& stage = "ResponseComplete") {
    for (const auto& event : plane().audit_events()) {
      if (event.value("auditID", "") == audit_id && event.value("stage", "") == stage)
        return event;
    }
    ADD_FAILURE() << "no " << stage << " audit event with auditID " << audit_id;
    return json::object();
  }

  json event_for(const net::HttpResponse& response) {
    const std::string id = response.header("Audit-Id");
    EXPECT_FALSE(id.empty()) << "response without an Audit-Id header";
    return event_of(id);
  }

  // Events whose requestURI contains `fragment`, polled until `wanted` of them are there.
  static std::vector<json> events_with_uri(const std::string& fragment, std::size_t wanted) {
    std::vector<json> found;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    do {
      found.clear();
      for (const auto& event : plane().audit_events()) {
        if (event.value("requestURI", "").find(fragment) != std::string::npos)
          found.push_back(event);
      }
      if (found.size() >= wanted)
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    } while (std::chrono::steady_clock::now() < deadline);
    return found;
  }
};

TEST_F(AuditLog, EventHasTheKubeShape) {
  auto request = plane().request("GET", "/api/v1/namespaces/default");
  request.headers["User-Agent"] = "audit-test/1.0";
  auto response = plane().http_client()->send(request);
  ASSERT_TRUE(response.ok());
  const json event = event_for(*response);
  EXPECT_EQ(event["kind"], "Event");
  EXPECT_EQ(event["apiVersion"], "audit.k8s.io/v1");
  EXPECT_EQ(event["level"], "Metadata");
  EXPECT_EQ(event["stage"], "ResponseComplete");
  EXPECT_EQ(event["requestURI"], "/api/v1/namespaces/default");
  EXPECT_EQ(event["verb"], "get");
  EXPECT_EQ(event["user"]["username"], "admin");
  EXPECT_NE(event["user"]["groups"].dump().find("system:authenticated"), std::string::npos);
  EXPECT_EQ(event["sourceIPs"], json::array({"127.0.0.1"}));
  EXPECT_EQ(event["userAgent"], "audit-test/1.0");
  EXPECT_EQ(event["objectRef"], json({{"resource", "namespaces"},
                                      {"namespace", "default"},
                                      {"name", "default"},
                                      {"apiVersion", "v1"}}));
  EXPECT_EQ(event["responseStatus"]["code"], 200);
  EXPECT_TRUE(event["requestReceivedTimestamp"].is_string());
  EXPECT_TRUE(event["stageTimestamp"].is_string());
  EXPECT_LE(event["requestReceivedTimestamp"].get<std::string>(),
            event["stageTimestamp"].get<std::string>());
}

TEST_F(AuditLog, VerbsAndObjectRefsFollowKube) {
  const std::string ns = make_namespace();
  const auto created = send("POST", widgets(ns),
                            R"({"apiVersion":"example.io/v1","kind":"Widget",
                                "metadata":{"name":"w1"},"spec":{"size":1}})");
  ASSERT_EQ(created.status, 201) << created.body;
  json event = event_for(created);
  EXPECT_EQ(event["verb"], "create");
  EXPECT_EQ(event["objectRef"], json({{"resource", "widgets"},
                                      {"namespace", ns},
                                      {"name", "w1"},
                                      {"apiGroup", "example.io"},
                                      {"apiVersion", "v1"}}));
  EXPECT_EQ(event["responseStatus"]["code"], 201);

  event = event_for(send("GET", widgets(ns)));
  EXPECT_EQ(event["verb"], "list");
  EXPECT_FALSE(event["objectRef"].contains("name"));

  event = event_for(send("GET", widgets(ns) + "?fieldSelector=metadata.name%3Dw1"));
  EXPECT_EQ(event["verb"], "list");
  EXPECT_EQ(event["objectRef"]["name"], "w1");

  event = event_for(send("GET", "/apis/example.io/v1/widgets"));
  EXPECT_EQ(event["verb"], "list");
  EXPECT_FALSE(event["objectRef"].contains("namespace"));

  event = event_for(
      send("PATCH", widgets(ns) + "/w1", R"({"spec":{"size":2}})", "application/merge-patch+json"));
  EXPECT_EQ(event["verb"], "patch");

  event = event_for(send("PATCH", widgets(ns) + "/w1/status", R"({"status":{"phase":"Up"}})",
                         "application/merge-patch+json"));
  EXPECT_EQ(event["verb"], "patch");
  EXPECT_EQ(event["objectRef"]["subresource"], "status");

  const json current = expect(200, "GET", widgets(ns) + "/w1");
  event = event_for(send("PUT", widgets(ns) + "/w1", current.dump()));
  EXPECT_EQ(event["verb"], "update");

  event = event_for(send("DELETE", widgets(ns) + "/w1"));
  EXPECT_EQ(event["verb"], "delete");
  EXPECT_EQ(event["objectRef"]["name"], "w1");

  event = event_for(send("DELETE", widgets(ns)));
  EXPECT_EQ(event["verb"], "deletecollection");
  EXPECT_FALSE(event["objectRef"].contains("name"));
}

TEST_F(AuditLog, NonResourceRequestsHaveNoObjectRef) {
  for (const std::string path :
       {"/version", "/apis", "/api", "/apis/example.io/v1", "/openapi/v3"}) {
    const json event = event_for(send("GET", path));
    EXPECT_EQ(event["verb"], "get") << path;
    EXPECT_FALSE(event.contains("objectRef")) << path;
    EXPECT_EQ(event["responseStatus"]["code"], 200) << path;
  }
}

TEST_F(AuditLog, RefusedRequestsAreLoggedWithTheirCode) {
  auto request = plane().request("GET", "/api/v1/namespaces");
  request.headers["Authorization"] = "Bearer wrong";
  auto response = plane().http_client()->send(request);
  ASSERT_TRUE(response.ok());
  ASSERT_EQ(response->status, 401);
  json event = event_for(*response);
  EXPECT_EQ(event["responseStatus"]["code"], 401);
  EXPECT_EQ(event["user"], json::object());

  event = event_for(send("GET", "/apis/example.io/v1/nosuchthings"));
  EXPECT_EQ(event["responseStatus"]["code"], 404);
}

TEST_F(AuditLog, WatchesAreLoggedWhenTheyStartAndWhenTheyEnd) {
  const std::string ns = make_namespace();
  {
    WatchReader reader(plane(), widgets(ns) + "?watch=1&timeoutSeconds=1");
    ASSERT_TRUE(reader.ended(std::chrono::seconds(60)));
  }
  const auto events = events_with_uri(widgets(ns) + "?watch=1", 2);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]["stage"], "ResponseStarted");
  EXPECT_EQ(events[1]["stage"], "ResponseComplete");
  EXPECT_EQ(events[0]["auditID"], events[1]["auditID"]);
  for (const auto& event : events) {
    EXPECT_EQ(event["verb"], "watch");
    EXPECT_EQ(event["objectRef"]["resource"], "widgets");
    EXPECT_EQ(event["objectRef"]["namespace"], ns);
    EXPECT_EQ(event["responseStatus"]["code"], 200);
  }
}

}  // namespace
}  // namespace hvo::testing
