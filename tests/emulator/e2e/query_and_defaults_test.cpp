// Query parameters as apimachinery reads them (the Python client's `True`, Go's integer and
// duration errors), /version/, and the defaults clients rely on for built-in kinds.
#include "tests/emulator/e2e/emulator_fixture.h"

namespace hvo::testing {
namespace {

using nlohmann::json;

class QueryAndDefaults : public EmulatorTest {};

std::string type_of(const std::optional<json>& event) {
  return event ? event->value("type", "") : "<none>";
}

TEST_F(QueryAndDefaults, CapitalisedTrueStartsAWatchWithBookmarks) {
  const std::string ns = make_namespace();
  create_widget(ns, "a", 1);
  WatchReader watch(plane(), widgets(ns) +
                                 "?watch=True&allowWatchBookmarks=True&sendInitialEvents=True"
                                 "&resourceVersionMatch=NotOlderThan");
  auto added = watch.next();
  ASSERT_EQ(type_of(added), "ADDED");
  EXPECT_EQ((*added)["object"]["metadata"]["name"], "a");
  auto bookmark = watch.next();
  ASSERT_EQ(type_of(bookmark), "BOOKMARK");
  EXPECT_EQ((*bookmark)["object"]["metadata"]["annotations"]["k8s.io/initial-events-end"], "true");
}

TEST_F(QueryAndDefaults, FalseInAnyCaseIsAList) {
  const std::string ns = make_namespace();
  create_widget(ns, "a", 1);
  for (const char* value : {"False", "FALSE", "0"}) {
    const json list = expect(200, "GET", widgets(ns) + "?watch=" + value);
    EXPECT_EQ(list["kind"], "WidgetList") << value;
  }
}

TEST_F(QueryAndDefaults, GarbageIntegersAndDurationsAre400WithGosMessages) {
  const std::string ns = make_namespace();
  const json limit = expect(400, "GET", widgets(ns) + "?limit=ten");
  EXPECT_EQ(limit["reason"], "BadRequest");
  EXPECT_EQ(limit["message"], "strconv.ParseInt: parsing \"ten\": invalid syntax");
  const json timeout_seconds = expect(400, "GET", widgets(ns) + "?watch=1&timeoutSeconds=0.1s");
  EXPECT_EQ(timeout_seconds["message"], "strconv.ParseInt: parsing \"0.1s\": invalid syntax");
  const json timeout = expect(400, "GET", widgets(ns) + "?timeout=5");
  EXPECT_EQ(timeout["message"],
            "invalid timeout specified in the request URL - time: missing unit in duration \"5\"");
  expect(200, "GET", widgets(ns) + "?timeout=30s&limit=5");
}

TEST_F(QueryAndDefaults, ForceWithCapitalTrueTakesConflictingFields) {
  const std::string ns = make_namespace();
  const std::string path = widgets(ns) + "/w1";
  const std::string applied = R"({"apiVersion":"example.io/v1","kind":"Widget",
      "metadata":{"name":"w1"},"spec":{"size":1}})";
  ASSERT_EQ(
      send("PATCH", path + "?fieldManager=first", applied, "application/apply-patch+yaml").status,
      201);
  const std::string other = R"({"apiVersion":"example.io/v1","kind":"Widget",
      "metadata":{"name":"w1"},"spec":{"size":2}})";
  EXPECT_EQ(send("PATCH", path + "?fieldManager=second&force=False", other,
                 "application/apply-patch+yaml")
                .status,
            409);
  const auto forced = send("PATCH", path + "?fieldManager=second&force=True", other,
                           "application/apply-patch+yaml");
  ASSERT_EQ(forced.status, 200) << forced.body;
  EXPECT_EQ(json::parse(forced.body)["spec"]["size"], 2);
}

TEST_F(QueryAndDefaults, VersionAnswersWithATrailingSlash) {
  const json version = expect(200, "GET", "/version/");
  EXPECT_TRUE(version.contains("gitVersion"));
}

TEST_F(QueryAndDefaults, SecretWithoutTypeIsOpaque) {
  const std::string ns = make_namespace();
  const std::string secrets = "/api/v1/namespaces/" + ns + "/secrets";
  const json created =
      expect(201, "POST", secrets, {{"metadata", {{"name", "s1"}}}, {"stringData", {{"k", "v"}}}});
  EXPECT_EQ(created["type"], "Opaque");
  EXPECT_EQ(created["data"]["k"], "dg==");
  const json typed = expect(201, "POST", secrets,
                            {{"metadata", {{"name", "s2"}}}, {"type", "kubernetes.io/basic-auth"}});
  EXPECT_EQ(typed["type"], "kubernetes.io/basic-auth");
  const json fetched = expect(200, "GET", secrets + "/s1");
  EXPECT_EQ(fetched["type"], "Opaque");
}

TEST_F(QueryAndDefaults, NamespaceIsActiveWithTheKubernetesFinalizerAddedToOthers) {
  const std::string base = make_namespace();
  const json plain =
      expect(201, "POST", "/api/v1/namespaces", {{"metadata", {{"name", base + "-a"}}}});
  EXPECT_EQ(plain["spec"]["finalizers"], json::array({"kubernetes"}));
  EXPECT_EQ(plain["status"]["phase"], "Active");
  const json own = expect(201, "POST", "/api/v1/namespaces",
                          {{"metadata", {{"name", base + "-b"}}},
                           {"spec", {{"finalizers", {"example.io/keep"}}}},
                           {"status", {{"phase", "Terminating"}}}});
  EXPECT_EQ(own["spec"]["finalizers"], json::array({"example.io/keep", "kubernetes"}));
  EXPECT_EQ(own["status"]["phase"], "Active");
}

TEST_F(QueryAndDefaults, ServiceAccountComesBackAsSent) {
  // kube-apiserver (1.24+) neither defaults fields nor adds token secrets to a new
  // ServiceAccount: what was sent comes back with the server's metadata only.
  const std::string ns = make_namespace();
  const json created = expect(201, "POST", "/api/v1/namespaces/" + ns + "/serviceaccounts",
                              {{"metadata", {{"name", "robot"}}}});
  EXPECT_EQ(created["kind"], "ServiceAccount");
  EXPECT_FALSE(created.contains("secrets"));
  EXPECT_FALSE(created.contains("automountServiceAccountToken"));
  EXPECT_TRUE(created["metadata"].contains("uid"));
}

}  // namespace
}  // namespace hvo::testing
