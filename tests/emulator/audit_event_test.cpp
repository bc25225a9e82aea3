#include "tools/apiserver-lite/audit/audit_event.h"

#include <gtest/gtest.h>

namespace hvo::apiserver {
namespace {

using nlohmann::json;

net::HttpRequest make_request(const std::string& method, const std::string& path,
                              const std::string& query = "", const std::string& body = "") {
  net::HttpRequest request;
  request.method = method;
  request.path = path;
  request.raw_query = query;
  request.query = net::decode_query(query);
  request.body = body;
  return request;
}

struct VerbCase {
  const char* method;
  const char* path;
  const char* query;
  const char* verb;
};

// What gtest prints for a row, and so what ctest names it by: a name, not the bytes.
void PrintTo(const VerbCase& c, std::ostream* os) {
  *os << c.method << " " << c.path << (*c.query ? "?" : "") << c.query;
}

class AuditVerbTest : public ::testing::TestWithParam<VerbCase> {};

TEST_P(AuditVerbTest, FollowsKubeRequestInfo) {
  const auto& c = GetParam();
  EXPECT_EQ(audit_verb(make_request(c.method, c.path, c.query)), c.verb)
      << c.method << " " << c.path << "?" << c.query;
}

INSTANTIATE_TEST_SUITE_P(
    Verbs, AuditVerbTest,
    ::testing::Values(
        VerbCase{"GET", "/api/v1/namespaces/a/secrets/s", "", "get"},
        VerbCase{"GET", "/api/v1/namespaces/a/secrets", "", "list"},
        VerbCase{"GET", "/api/v1/namespaces/a/secrets", "watch=true", "watch"},
        VerbCase{"GET", "/api/v1/namespaces/a/secrets", "watch=1&resourceVersion=5", "watch"},
        VerbCase{"GET", "/api/v1/namespaces/a/secrets", "watch=false", "list"},
        VerbCase{"HEAD", "/api/v1/namespaces", "", "list"},
        VerbCase{"POST", "/apis/g.io/v1/namespaces/a/things", "", "create"},
        VerbCase{"PUT", "/apis/g.io/v1/namespaces/a/things/t/status", "", "update"},
        VerbCase{"PATCH", "/apis/g.io/v1/things/t", "", "patch"},
        VerbCase{"DELETE", "/apis/g.io/v1/namespaces/a/things/t", "", "delete"},
        VerbCase{"DELETE", "/apis/g.io/v1/namespaces/a/things", "", "deletecollection"},
        VerbCase{"GET", "/version", "", "get"}, VerbCase{"GET", "/apis/g.io/v1", "", "get"},
        VerbCase{"POST", "/admin/compact", "", "post"}));

TEST(AuditObjectRef, NamespacedCustomResourceWithSubresource) {
  const auto ref =
      audit_object_ref(make_request("PUT", "/apis/g.io/v1/namespaces/a/things/t/status"));
  ASSERT_TRUE(ref);
  EXPECT_EQ(*ref, json({{"resource", "things"},
                        {"namespace", "a"},
                        {"name", "t"},
                        {"apiGroup", "g.io"},
                        {"apiVersion", "v1"},
                        {"subresource", "status"}}));
}

TEST(AuditObjectRef, CoreGroupIsLeftOutAndANamespaceIsItsOwnNamespace) {
  const auto ref = audit_object_ref(make_request("GET", "/api/v1/namespaces/a"));
  ASSERT_TRUE(ref);
  EXPECT_EQ(
      *ref,
      json({{"resource", "namespaces"}, {"namespace", "a"}, {"name", "a"}, {"apiVersion", "v1"}}));
}

TEST(AuditObjectRef, CreateNamesTheObjectOfTheBody) {
  auto ref = audit_object_ref(
      make_request("POST", "/api/v1/namespaces/a/configmaps", "", R"({"metadata":{"name":"cm"}})"));
  ASSERT_TRUE(ref);
  EXPECT_EQ((*ref)["name"], "cm");
  ref = audit_object_ref(
      make_request("POST", "/api/v1/namespaces", "", R"({"metadata":{"name":"n1"}})"));
  ASSERT_TRUE(ref);
  EXPECT_EQ((*ref)["name"], "n1");
  EXPECT_FALSE(ref->contains("namespace"));
  ref = audit_object_ref(make_request("POST", "/api/v1/namespaces/a/configmaps", "", "not json"));
  ASSERT_TRUE(ref);
  EXPECT_FALSE(ref->contains("name"));
}

TEST(AuditObjectRef, ListNarrowedToOneNameNamesIt) {
  auto ref = audit_object_ref(
      make_request("GET", "/apis/g.io/v1/namespaces/a/things", "fieldSelector=metadata.name%3Dt"));
  ASSERT_TRUE(ref);
  EXPECT_EQ((*ref)["name"], "t");
  ref = audit_object_ref(make_request("GET", "/apis/g.io/v1/namespaces/a/things",
                                      "fieldSelector=metadata.name%3Dt,metadata.namespace%3Da"));
  ASSERT_TRUE(ref);
  EXPECT_FALSE(ref->contains("name"));
}

TEST(AuditObjectRef, NonResourcePathsHaveNone) {
  for (const char* path : {"/version", "/apis", "/api", "/api/v1", "/apis/g.io/v1", "/openapi/v3",
                           "/openapi/v3/apis/g.io/v1", "/healthz"}) {
    EXPECT_FALSE(audit_object_ref(make_request("GET", path))) << path;
  }
}

TEST(AuditTimestamp, IsMicroTimeInUtc) {
  const auto at =
      std::chrono::system_clock::time_point(std::chrono::microseconds(1700000000123456));
  EXPECT_EQ(audit_timestamp(at), "2023-11-14T22:13:20.123456Z");
}

TEST(AuditEvent, CarriesUserCodeAndRequest) {
  auto request = make_request("GET", "/api/v1/namespaces/a/secrets", "watch=1");
  request.remote_address = "127.0.0.1";
  request.headers["User-Agent"] = "kubectl/v1.32";
  AuditRecord record;
  record.audit_id = "id-1";
  record.stage = "ResponseStarted";
  record.request = &request;
  record.user = UserInfo{"alice", "u1", {"devs"}};
  record.code = 200;
  const json event = audit_event(record);
  EXPECT_EQ(event["kind"], "Event");
  EXPECT_EQ(event["apiVersion"], "audit.k8s.io/v1");
  EXPECT_EQ(event["level"], "Metadata");
  EXPECT_EQ(event["auditID"], "id-1");
  EXPECT_EQ(event["stage"], "ResponseStarted");
  EXPECT_EQ(event["requestURI"], "/api/v1/namespaces/a/secrets?watch=1");
  EXPECT_EQ(event["verb"], "watch");
  EXPECT_EQ(
      event["user"],
      json({{"username", "alice"}, {"uid", "u1"}, {"groups", {"devs", "system:authenticated"}}}));
  EXPECT_EQ(event["sourceIPs"], json::array({"127.0.0.1"}));
  EXPECT_EQ(event["userAgent"], "kubectl/v1.32");
  EXPECT_EQ(event["responseStatus"]["code"], 200);
  EXPECT_EQ(event["objectRef"]["resource"], "secrets");
}

TEST(AuditEvent, UnauthenticatedAndAnonymousUsers) {
  const auto request = make_request("GET", "/version");
  AuditRecord record;
  record.request = &request;
  EXPECT_EQ(audit_event(record)["user"], json::object());
  record.anonymous = true;
  EXPECT_EQ(audit_event(record)["user"],
            json({{"username", "system:anonymous"}, {"groups", {"system:unauthenticated"}}}));
}

}  // namespace
}  // namespace hvo::apiserver
