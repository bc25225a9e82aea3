// core/v1 and events.k8s.io/v1 Events are two views of one store, as in kube-apiserver: what the
// operator writes through events.k8s.io shows in `kubectl describe` (which lists core/v1 Events
// by involvedObject) and in `kubectl get events --field-selector`, and the other way round.
#include "tests/emulator/e2e/emulator_fixture.h"

namespace hvo::testing {
namespace {

using nlohmann::json;

class Events : public EmulatorTest {
 protected:
  static std::string core(const std::string& ns) { return "/api/v1/namespaces/" + ns + "/events"; }
  static std::string v1(const std::string& ns) {
    return "/apis/events.k8s.io/v1/namespaces/" + ns + "/events";
  }

  // An Event about `widget` as the operator's recorder writes it.
  json write_operator_event(const std::string& ns, const json& widget, const std::string& name) {
    return expect(201, "POST", v1(ns),
                  {{"apiVersion", "events.k8s.io/v1"},
                   {"kind", "Event"},
                   {"metadata", {{"name", name}}},
                   {"eventTime", "2026-12-07T10:00:00.000000Z"},
                   {"reportingController", "example.io/widget-controller"},
                   {"reportingInstance", "controller-0"},
                   {"action", "Resize"},
                   {"reason", "Resized"},
                   {"type", "Normal"},
                   {"note", "widget resized to 3"},
                   {"regarding",
                    {{"apiVersion", "example.io/v1"},
                     {"kind", "Widget"},
                     {"namespace", ns},
                     {"name", widget["metadata"]["name"]},
                     {"uid", widget["metadata"]["uid"]}}}});
  }
};

TEST_F(Events, EventsV1WritesAreCoreEventsByInvolvedObject) {
  const std::string ns = make_namespace();
  const json widget = create_widget(ns, "w1", 1);
  create_widget(ns, "w2", 1);
  const json written = write_operator_event(ns, widget, "w1.1");
  EXPECT_EQ(written["note"], "widget resized to 3");
  EXPECT_EQ(written["regarding"]["name"], "w1");

  const std::string uid = widget["metadata"]["uid"];
  for (const std::string& selector : std::vector<std::string>{
           "involvedObject.name%3Dw1", "involvedObject.uid%3D" + uid,
           "involvedObject.kind%3DWidget,involvedObject.name%3Dw1,involvedObject.namespace%3D" + ns,
           "source%3Dexample.io%2Fwidget-controller",
           "reportingComponent%3Dexample.io%2Fwidget-controller"}) {
    const json list = expect(200, "GET", core(ns) + "?fieldSelector=" + selector);
    ASSERT_EQ(list["items"].size(), 1u) << selector;
    const json& event = list["items"][0];
    EXPECT_EQ(event["apiVersion"], "v1");
    EXPECT_EQ(event["message"], "widget resized to 3");
    EXPECT_EQ(event["involvedObject"]["uid"], uid);
    EXPECT_EQ(event["reportingComponent"], "example.io/widget-controller");
    EXPECT_EQ(event["eventTime"], "2026-12-07T10:00:00.000000Z");
    EXPECT_FALSE(event.contains("note"));
  }
  EXPECT_EQ(
      expect(200, "GET", core(ns) + "?fieldSelector=involvedObject.name%3Dw2")["items"].size(), 0u);
  // And through the events.k8s.io field names.
  EXPECT_EQ(expect(200, "GET", v1(ns) + "?fieldSelector=regarding.name%3Dw1")["items"].size(), 1u);
}

TEST_F(Events, CoreWritesAreSeenThroughEventsV1) {
  const std::string ns = make_namespace();
  expect(201, "POST", core(ns),
         {{"metadata", {{"name", "e1"}}},
          {"involvedObject", {{"kind", "Widget"}, {"name", "w"}, {"namespace", ns}}},
          {"reason", "Tested"},
          {"message", "from core"},
          {"source", {{"component", "tester"}}},
          {"firstTimestamp", "2026-12-07T09:00:00Z"},
          {"lastTimestamp", "2026-12-07T09:05:00Z"},
          {"count", 2},
          {"type", "Warning"}});
  const json event = expect(200, "GET", v1(ns) + "/e1");
  EXPECT_EQ(event["apiVersion"], "events.k8s.io/v1");
  EXPECT_EQ(event["regarding"]["name"], "w");
  EXPECT_EQ(event["note"], "from core");
  EXPECT_EQ(event["deprecatedSource"]["component"], "tester");
  EXPECT_EQ(event["deprecatedFirstTimestamp"], "2026-12-07T09:00:00Z");
  EXPECT_EQ(event["deprecatedLastTimestamp"], "2026-12-07T09:05:00Z");
  EXPECT_EQ(event["deprecatedCount"], 2);
  EXPECT_TRUE(event["eventTime"].is_null());

  expect(200, "DELETE", v1(ns) + "/e1");
  expect(404, "GET", core(ns) + "/e1");
}

TEST_F(Events, SeriesPatchedThroughEventsV1ReachesCoreWatchers) {
  const std::string ns = make_namespace();
  const json widget = create_widget(ns, "w1", 1);
  WatchReader watch(plane(), core(ns) + "?watch=1&fieldSelector=involvedObject.name%3Dw1");
  write_operator_event(ns, widget, "w1.2");
  auto added = watch.next();
  ASSERT_TRUE(added);
  EXPECT_EQ((*added)["type"], "ADDED");
  EXPECT_EQ((*added)["object"]["apiVersion"], "v1");
  EXPECT_EQ((*added)["object"]["message"], "widget resized to 3");

  const json patched =
      expect(200, "PATCH", v1(ns) + "/w1.2",
             {{"series", {{"count", 2}, {"lastObservedTime", "2026-12-07T10:01:00.000000Z"}}}},
             "application/merge-patch+json");
  EXPECT_EQ(patched["series"]["count"], 2);
  auto modified = watch.next();
  ASSERT_TRUE(modified);
  EXPECT_EQ((*modified)["type"], "MODIFIED");
  EXPECT_EQ((*modified)["object"]["series"]["count"], 2);
  EXPECT_EQ((*modified)["object"]["metadata"]["resourceVersion"],
            patched["metadata"]["resourceVersion"]);
}

TEST_F(Events, KubectlDescribeAndGetShowEventsWrittenThroughEventsV1) {
  const std::string ns = make_namespace();
  const json widget = create_widget(ns, "w1", 1);
  write_operator_event(ns, widget, "w1.3");

  const auto described = plane().kubectl({"describe", "widget", "w1", "-n", ns});
  ASSERT_TRUE(described.ok()) << described.err;
  const auto events_at = described.out.find("Events:");
  ASSERT_NE(events_at, std::string::npos) << described.out;
  const std::string events = described.out.substr(events_at);
  EXPECT_EQ(events.find("<none>"), std::string::npos) << events;
  EXPECT_NE(events.find("Resized"), std::string::npos) << events;
  EXPECT_NE(events.find("widget resized to 3"), std::string::npos) << events;
  EXPECT_NE(events.find("example.io/widget-controller"), std::string::npos) << events;

  const auto listed =
      plane().kubectl({"get", "events", "-n", ns, "--field-selector", "involvedObject.name=w1"});
  ASSERT_TRUE(listed.ok()) << listed.err;
  EXPECT_NE(listed.out.find("widget/w1"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("Resized"), std::string::npos) << listed.out;
  const auto other = plane().kubectl(
      {"get", "events", "-n", ns, "--field-selector", "involvedObject.name=nothing"});
  ASSERT_TRUE(other.ok()) << other.err;
  EXPECT_EQ(other.out.find("Resized"), std::string::npos) << other.out;
}

}  // namespace
}  // namespace hvo::testing
