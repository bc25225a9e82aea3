// WATCH: synthetic ADDED, live changes, DELETED with the last state, selectors, bookmarks,
// sendInitialEvents, timeoutSeconds, 410 after compaction, and resuming across a restart.
#include "tests/emulator/e2e/emulator_fixture.h"

namespace hvo::testing {
namespace {

using nlohmann::json;

class Watch : public EmulatorTest {};

std::string type_of(const std::optional<json>& event) {
  return event ? event->value("type", "") : "<none>";
}

TEST_F(Watch, StartsWithSyntheticAddedThenLiveChanges) {
  const std::string ns = make_namespace();
  create_widget(ns, "a", 1);
  WatchReader watch(plane(), widgets(ns) + "?watch=1");
  auto added = watch.next();
  ASSERT_EQ(type_of(added), "ADDED");
  EXPECT_EQ((*added)["object"]["metadata"]["name"], "a");

  json b = create_widget(ns, "b", 2);
  auto b_added = watch.next();
  ASSERT_EQ(type_of(b_added), "ADDED");
  EXPECT_EQ((*b_added)["object"]["metadata"]["resourceVersion"], b["metadata"]["resourceVersion"]);

  const json patched = expect(200, "PATCH", widgets(ns) + "/b", {{"spec", {{"size", 3}}}},
                              "application/merge-patch+json");
  auto modified = watch.next();
  ASSERT_EQ(type_of(modified), "MODIFIED");
  EXPECT_EQ((*modified)["object"]["spec"]["size"], 3);

  expect(200, "DELETE", widgets(ns) + "/b");
  auto deleted = watch.next();
  ASSERT_EQ(type_of(deleted), "DELETED");
  EXPECT_EQ((*deleted)["object"]["spec"]["size"], 3);
  EXPECT_GT(std::stoll((*deleted)["object"]["metadata"]["resourceVersion"].get<std::string>()),
            std::stoll(patched["metadata"]["resourceVersion"].get<std::string>()));
}

TEST_F(Watch, FromAResourceVersionOnlyLaterEventsArrive) {
  const std::string ns = make_namespace();
  create_widget(ns, "a", 1);
  const json b = create_widget(ns, "b", 1);
  create_widget(ns, "c", 1);
  WatchReader watch(plane(), widgets(ns) + "?watch=1&resourceVersion=" +
                                 b["metadata"]["resourceVersion"].get<std::string>());
  auto event = watch.next();
  ASSERT_EQ(type_of(event), "ADDED");
  EXPECT_EQ((*event)["object"]["metadata"]["name"], "c");
}

TEST_F(Watch, SelectorsFilterAndObjectsLeavingTheSelectionAreDeleted) {
  const std::string ns = make_namespace();
  WatchReader watch(plane(), widgets(ns) + "?watch=1&labelSelector=tier%3Dweb");
  create_widget(ns, "other", 1, {{"tier", "db"}});
  create_widget(ns, "web", 1, {{"tier", "web"}});
  auto added = watch.next();
  ASSERT_EQ(type_of(added), "ADDED");
  EXPECT_EQ((*added)["object"]["metadata"]["name"], "web");
  expect(200, "PATCH", widgets(ns) + "/web", {{"metadata", {{"labels", {{"tier", "cache"}}}}}},
         "application/merge-patch+json");
  EXPECT_EQ(type_of(watch.next()), "DELETED");
}

TEST_F(Watch, SendInitialEventsEndsWithAnAnnotatedBookmark) {
  const std::string ns = make_namespace();
  create_widget(ns, "a", 1);
  create_widget(ns, "b", 1);
  WatchReader watch(plane(), widgets(ns) +
                                 "?watch=1&sendInitialEvents=true&allowWatchBookmarks=true"
                                 "&resourceVersionMatch=NotOlderThan");
  EXPECT_EQ(type_of(watch.next()), "ADDED");
  EXPECT_EQ(type_of(watch.next()), "ADDED");
  auto bookmark = watch.next();
  ASSERT_EQ(type_of(bookmark), "BOOKMARK");
  EXPECT_EQ((*bookmark)["object"]["metadata"]["annotations"]["k8s.io/initial-events-end"], "true");
  EXPECT_EQ((*bookmark)["object"]["kind"], "Widget");
}

TEST_F(Watch, BookmarksArriveWhenAllowed) {
  const std::string ns = make_namespace();
  const json a = create_widget(ns, "a", 1);
  WatchReader watch(plane(), widgets(ns) + "?watch=1&allowWatchBookmarks=true&resourceVersion=" +
                                 a["metadata"]["resourceVersion"].get<std::string>());
  auto bookmark = watch.next();
  ASSERT_EQ(type_of(bookmark), "BOOKMARK");
  EXPECT_GE(std::stoll((*bookmark)["object"]["metadata"]["resourceVersion"].get<std::string>()),
            std::stoll(a["metadata"]["resourceVersion"].get<std::string>()));
}

TEST_F(Watch, TimeoutSecondsEndsTheStreamCleanly) {
  const std::string ns = make_namespace();
  WatchReader watch(plane(), widgets(ns) + "?watch=1&timeoutSeconds=1");
  EXPECT_TRUE(watch.ended());
}

TEST_F(Watch, CompactedResourceVersionGets410AndARelistRecovers) {
  const std::string ns = make_namespace();
  const json old = create_widget(ns, "a", 1);
  create_widget(ns, "b", 1);
  plane().compact();
  WatchReader watch(plane(), widgets(ns) + "?watch=1&resourceVersion=" +
                                 old["metadata"]["resourceVersion"].get<std::string>());
  auto error = watch.next();
  ASSERT_EQ(type_of(error), "ERROR");
  EXPECT_EQ((*error)["object"]["code"], 410);
  EXPECT_EQ((*error)["object"]["reason"], "Expired");
  EXPECT_TRUE(watch.ended());

  const json list = expect(200, "GET", widgets(ns));
  EXPECT_EQ(list["items"].size(), 2u);
  WatchReader resumed(plane(), widgets(ns) + "?watch=1&resourceVersion=" +
                                   list["metadata"]["resourceVersion"].get<std::string>());
  create_widget(ns, "c", 1);
  auto added = resumed.next();
  ASSERT_EQ(type_of(added), "ADDED");
  EXPECT_EQ((*added)["object"]["metadata"]["name"], "c");
}

TEST_F(Watch, PagedListWithACompactedContinueTokenIs410) {
  const std::string ns = make_namespace();
  for (int i = 0; i < 3; ++i)
    create_widget(ns, "w" + std::to_string(i), i);
  const json page = expect(200, "GET", widgets(ns) + "?limit=1");
  create_widget(ns, "late", 1);
  plane().compact();
  const json gone =
      expect(410, "GET",
             widgets(ns) + "?limit=1&continue=" + net::url_encode(page["metadata"]["continue"]));
  EXPECT_EQ(gone["reason"], "Expired");
}

// Compacts etcd through its current revision behind the emulator's back, through etcd's own
// JSON gateway (as etcdctl or another kube-apiserver would). Returns that revision.
int64_t compact_etcd_directly(ControlPlane& plane) {
  net::HttpClientConfig config;
  config.base_url = plane.etcd_url();
  auto client = net::HttpClient::create(config);
  EXPECT_TRUE(client.ok());
  if (!client.ok())
    return 0;
  auto post = [&](const std::string& path, const json& body) {
    net::HttpRequest request;
    request.method = "POST";
    request.path = path;
    request.headers["Content-Type"] = "application/json";
    request.body = body.dump();
    auto response = (*client)->send(request);
    EXPECT_TRUE(response.ok() && response->status == 200)
        << path << ": " << (response.ok() ? response->body : response.error().message());
    return response.ok() ? json::parse(response->body, nullptr, false) : json();
  };
  const json range = post("/v3/kv/range", {{"key", "AA=="}});  // any key: we want the header
  const int64_t revision = std::stoll(range["header"]["revision"].get<std::string>());
  post("/v3/kv/compaction", {{"revision", std::to_string(revision)}, {"physical", true}});
  return revision;
}

TEST_F(Watch, CompactionByAnotherClientExpiresOldResourceVersions) {
  const std::string ns = make_namespace();
  const json a = create_widget(ns, "a", 1);
  const std::string old_version = a["metadata"]["resourceVersion"];
  for (int i = 0; i < 3; ++i)
    create_widget(ns, "w" + std::to_string(i), i);
  const json page = expect(200, "GET", widgets(ns) + "?limit=2");
  ASSERT_TRUE(page["metadata"].contains("continue"));
  create_widget(ns, "after-page", 1);  // the page's snapshot is then older than the compaction

  // A watch that is open while etcd is compacted keeps the emulator's window full of the old
  // events; it must go on working, but new watches from before the compaction may not.
  WatchReader open(plane(), widgets(ns) + "?watch=1&resourceVersion=" + old_version);
  for (int i = 0; i < 4; ++i)
    ASSERT_EQ(type_of(open.next()), "ADDED");
  compact_etcd_directly(plane());

  WatchReader stale(plane(), widgets(ns) + "?watch=1&resourceVersion=" + old_version);
  auto error = stale.next();
  ASSERT_EQ(type_of(error), "ERROR");
  EXPECT_EQ((*error)["object"]["kind"], "Status");
  EXPECT_EQ((*error)["object"]["code"], 410);
  EXPECT_EQ((*error)["object"]["reason"], "Expired");
  EXPECT_TRUE(stale.ended());

  create_widget(ns, "late", 1);
  auto late = open.next();
  ASSERT_EQ(type_of(late), "ADDED");
  EXPECT_EQ((*late)["object"]["metadata"]["name"], "late");

  // The list snapshot of the continue token is gone too: 410 with a token that goes on at the
  // latest revision from where the page stopped.
  const json gone =
      expect(410, "GET",
             widgets(ns) + "?limit=2&continue=" + net::url_encode(page["metadata"]["continue"]));
  EXPECT_EQ(gone["reason"], "Expired");
  ASSERT_TRUE(gone["metadata"].contains("continue"));
  const json rest =
      expect(200, "GET",
             widgets(ns) + "?limit=10&continue=" + net::url_encode(gone["metadata"]["continue"]));
  std::vector<std::string> names;
  for (const auto& item : rest["items"])
    names.push_back(item["metadata"]["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"w1", "w2"}));
}

TEST_F(Watch, ResumesAfterAnEmulatorRestart) {
  const std::string ns = make_namespace();
  const json a = create_widget(ns, "a", 1);
  plane().restart_apiserver();
  create_widget(ns, "b", 1);
  WatchReader watch(plane(), widgets(ns) + "?watch=1&resourceVersion=" +
                                 a["metadata"]["resourceVersion"].get<std::string>());
  auto added = watch.next();
  ASSERT_EQ(type_of(added), "ADDED");
  EXPECT_EQ((*added)["object"]["metadata"]["name"], "b");
  expect(200, "GET", widgets(ns) + "/a");
}

TEST_F(Watch, TableWatchCarriesRows) {
  const std::string ns = make_namespace();
  create_widget(ns, "a", 7);
  auto client = plane().http_client();
  auto request = plane().request("GET", widgets(ns) + "?watch=1&timeoutSeconds=1");
  request.headers["Accept"] = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
  std::vector<json> events;
  auto response = client->stream_lines(
      request,
      [&](std::string_view line) {
        events.push_back(json::parse(line));
        return true;
      },
      std::make_shared<net::Cancellation>(), std::chrono::seconds(30));
  ASSERT_TRUE(response.ok());
  ASSERT_FALSE(events.empty());
  const json& table = events[0]["object"];
  EXPECT_EQ(table["kind"], "Table");
  EXPECT_EQ(table["rows"][0]["cells"][0], "a");
  EXPECT_EQ(table["rows"][0]["cells"][1], 7);
}

}  // namespace
}  // namespace hvo::testing
