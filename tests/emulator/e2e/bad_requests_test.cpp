// Requests a careless or hostile client sends get the right Status error, and the server keeps
// serving afterwards.
#include "tests/emulator/e2e/emulator_fixture.h"

namespace hvo::testing {
namespace {

using nlohmann::json;

class BadRequests : public EmulatorTest {
 protected:
  void TearDown() override {
    // Whatever the test sent, the server still answers.
    EXPECT_EQ(send("GET", "/readyz").status, 200);
  }
};

TEST_F(BadRequests, MalformedJsonIs400) {
  const std::string ns = make_namespace();
  for (const char* body : {"{", "{\"metadata\": ", "[1,2", "\xff\xfe", "null", "[]", "42"}) {
    const auto response = send("POST", widgets(ns), body);
    EXPECT_EQ(response.status, 400) << body;
    EXPECT_EQ(json::parse(response.body)["reason"], "BadRequest");
  }
}

TEST_F(BadRequests, UnknownKindsAndPathsAre404) {
  EXPECT_EQ(send("GET", "/apis/example.io/v1/namespaces/default/gadgets").status, 404);
  EXPECT_EQ(send("GET", "/apis/example.io/v9/namespaces/default/widgets").status, 404);
  EXPECT_EQ(send("GET", "/api/v1/namespaces/default/widgets/x/scale").status, 404);
  EXPECT_EQ(send("GET", "/nothing/here").status, 404);
  EXPECT_EQ(send("POST", "/api/v1/namespaces/default/configmaps/x/status", "{}").status, 404);
}

TEST_F(BadRequests, MismatchedKindOrNameIs400) {
  const std::string ns = make_namespace();
  EXPECT_EQ(
      send("POST", widgets(ns), R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}})")
          .status,
      400);
  create_widget(ns, "w1", 1);
  EXPECT_EQ(send("PUT", widgets(ns) + "/w1",
                 R"({"metadata":{"name":"other","resourceVersion":"1"},"spec":{"size":1}})")
                .status,
            400);
}

TEST_F(BadRequests, WrongContentTypesAre415) {
  const std::string ns = make_namespace();
  create_widget(ns, "w1", 1);
  EXPECT_EQ(send("POST", widgets(ns), "x=1", "application/x-www-form-urlencoded").status, 415);
  EXPECT_EQ(send("PATCH", widgets(ns) + "/w1", R"({"spec":{"size":2}})", "application/json").status,
            415);
  EXPECT_EQ(send("PATCH", widgets(ns) + "/w1", R"({"spec":{"size":2}})",
                 "application/strategic-merge-patch+json")
                .status,
            415);
}

// Custom resources have no protobuf encoding (built-in kinds do: protobuf_decoder_test.cpp and
// the kubectl tests).
TEST_F(BadRequests, ProtobufBodyIs415AndProtobufOnlyAcceptIs406) {
  const std::string ns = make_namespace();
  create_widget(ns, "w1", 1);
  const auto posted =
      send("POST", widgets(ns), std::string("k8s\0\x0a", 5), "application/vnd.kubernetes.protobuf");
  EXPECT_EQ(posted.status, 415) << posted.body;
  EXPECT_EQ(nlohmann::json::parse(posted.body)["reason"], "UnsupportedMediaType");

  for (const auto& path : {widgets(ns), widgets(ns) + "/w1", widgets(ns) + "?watch=1",
                           std::string("/api/v1/namespaces/") + ns}) {
    auto request = plane().request("GET", path);
    request.headers["Accept"] = "application/vnd.kubernetes.protobuf";
    auto response = plane().http_client()->send(request);
    ASSERT_TRUE(response.ok());
    EXPECT_EQ(response->status, 406) << path << " -> " << response->body;
    EXPECT_EQ(nlohmann::json::parse(response->body)["reason"], "NotAcceptable") << path;
  }
  // With JSON after protobuf, as client-go and kubectl ask, the answer is JSON.
  auto request = plane().request("GET", widgets(ns) + "/w1");
  request.headers["Accept"] = "application/vnd.kubernetes.protobuf, application/json";
  auto response = plane().http_client()->send(request);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(nlohmann::json::parse(response->body)["metadata"]["name"], "w1");
}

TEST_F(BadRequests, OpenApiV2IsProtobufWhenAskedBeforeJson) {
  for (const char* accept : {"application/com.github.proto-openapi.spec.v2@v1.0+protobuf",
                             "application/com.github.proto-openapi.spec.v2.v1.0+protobuf, "
                             "application/json"}) {
    auto request = plane().request("GET", "/openapi/v2");
    request.headers["Accept"] = accept;
    auto response = plane().http_client()->send(request);
    ASSERT_TRUE(response.ok());
    EXPECT_EQ(response->status, 200);
    // Without '@' whatever was asked: Go's mime parser refuses it in a response.
    EXPECT_EQ(response->header("Content-Type"),
              "application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
    // Document.swagger (field 1, length-delimited) = "2.0" comes first.
    EXPECT_EQ(response->body.substr(0, 5), std::string("\x0a\x03"
                                                       "2.0",
                                                       5))
        << accept;
  }
  for (const char* accept :
       {"", "application/json, application/com.github.proto-openapi.spec.v2@v1.0+protobuf"}) {
    auto request = plane().request("GET", "/openapi/v2");
    if (*accept != '\0')
      request.headers["Accept"] = accept;
    auto response = plane().http_client()->send(request);
    ASSERT_TRUE(response.ok());
    EXPECT_EQ(nlohmann::json::parse(response->body)["swagger"], "2.0") << accept;
  }
}

TEST_F(BadRequests, HugeBodiesAre413) {
  const std::string ns = make_namespace();
  const std::string huge = R"({"metadata":{"name":"big"},"spec":{"size":1,"color":")" +
                           std::string(4 * 1024 * 1024, 'x') + "\"}}";
  EXPECT_EQ(send("POST", widgets(ns), huge).status, 413);
}

TEST_F(BadRequests, MissingOrWrongTokensAre401) {
  auto client = plane().http_client();
  auto request = plane().request("GET", "/api/v1/namespaces");
  request.headers.erase("Authorization");
  auto anonymous = client->send(request);
  ASSERT_TRUE(anonymous.ok());
  EXPECT_EQ(anonymous->status, 401);
  EXPECT_EQ(json::parse(anonymous->body)["reason"], "Unauthorized");
  request.headers["Authorization"] = "Bearer wrong";
  EXPECT_EQ(client->send(request)->status, 401);
}

TEST_F(BadRequests, MalformedQueryParametersAre400) {
  const std::string ns = make_namespace();
  EXPECT_EQ(send("GET", widgets(ns) + "?limit=lots").status, 400);
  EXPECT_EQ(send("GET", widgets(ns) + "?continue=garbage").status, 400);
  EXPECT_EQ(send("GET", widgets(ns) + "?watch=1&resourceVersion=abc").status, 400);
  EXPECT_EQ(send("GET", widgets(ns) + "?fieldSelector=metadata.name").status, 400);
  EXPECT_EQ(send("POST", widgets(ns) + "?fieldValidation=Sometimes",
                 R"({"metadata":{"name":"w"},"spec":{"size":1}})")
                .status,
            400);
}

TEST_F(BadRequests, UnsupportedMethodsAre405) {
  const std::string ns = make_namespace();
  EXPECT_EQ(send("PUT", widgets(ns), "{}").status, 405);
  EXPECT_EQ(send("POST", widgets(ns) + "/w1", "{}").status, 405);
}

TEST_F(BadRequests, InvalidCrdIs422) {
  const json error = expect(422, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                            {{"metadata", {{"name", "bad.example.io"}}},
                             {"spec",
                              {{"group", "example.io"},
                               {"scope", "Namespaced"},
                               {"names", {{"plural", "bads"}, {"kind", "Bad"}}},
                               {"versions", json::array()}}}});
  EXPECT_EQ(error["reason"], "Invalid");
}

}  // namespace
}  // namespace hvo::testing
