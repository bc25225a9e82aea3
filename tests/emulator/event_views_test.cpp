#include "tools/apiserver-lite/registry/event_views.h"

#include <gtest/gtest.h>

#include "tools/apiserver-lite/registry/builtin_types.h"
#include "tools/apiserver-lite/table/table_converter.h"

namespace hvo::apiserver {
namespace {

using nlohmann::json;

// What the operator's recorder sends (events.k8s.io/v1).
json operator_event() {
  return json::parse(R"({
    "apiVersion": "events.k8s.io/v1", "kind": "Event",
    "metadata": {"name": "vm1.17f", "namespace": "team-a"},
    "eventTime": "2026-12-07T10:00:00.123456Z",
    "reportingController": "hyperv.operator.io/controller",
    "reportingInstance": "op-0",
    "action": "Start", "reason": "Started", "type": "Normal", "note": "VM started on host-1",
    "regarding": {"apiVersion": "hyperv.operator.io/v1alpha1", "kind": "VirtualMachine",
                  "namespace": "team-a", "name": "vm1", "uid": "u-1"},
    "series": {"count": 3, "lastObservedTime": "2026-12-07T10:05:00.000001Z"},
    "unknownField": true
  })");
}

TEST(EventViews, EventsV1IsStoredInTheCoreShape) {
  const json core = core_event_from_events_v1(operator_event());
  EXPECT_EQ(core["apiVersion"], "v1");
  EXPECT_EQ(core["involvedObject"]["uid"], "u-1");
  EXPECT_EQ(core["message"], "VM started on host-1");
  EXPECT_EQ(core["reportingComponent"], "hyperv.operator.io/controller");
  EXPECT_EQ(core["reportingInstance"], "op-0");
  EXPECT_EQ(core["eventTime"], "2026-12-07T10:00:00.123456Z");
  EXPECT_EQ(core["series"]["count"], 3);
  EXPECT_EQ(core["action"], "Start");
  // Go's rendering of the typed struct: {} for unset structs, null for unset times, no count.
  EXPECT_EQ(core["source"], json::object());
  EXPECT_TRUE(core["firstTimestamp"].is_null());
  EXPECT_TRUE(core["lastTimestamp"].is_null());
  EXPECT_FALSE(core.contains("count"));
  EXPECT_FALSE(core.contains("unknownField"));
  EXPECT_FALSE(core.contains("note"));
  EXPECT_FALSE(core.contains("regarding"));
}

TEST(EventViews, RoundTripKeepsEveryEventsV1Field) {
  json expected = operator_event();
  expected.erase("unknownField");
  const json back = events_v1_from_core_event(core_event_from_events_v1(operator_event()));
  for (const auto& [key, value] : expected.items())
    EXPECT_EQ(back[key], value) << key;
  EXPECT_EQ(back["deprecatedSource"], json::object());
  EXPECT_TRUE(back["deprecatedFirstTimestamp"].is_null());
  EXPECT_FALSE(back.contains("deprecatedCount"));
}

TEST(EventViews, CoreEventSeenAsEventsV1) {
  const json core = json::parse(R"({
    "apiVersion": "v1", "kind": "Event", "metadata": {"name": "e", "namespace": "ns"},
    "involvedObject": {"kind": "Pod", "name": "p"}, "reason": "Pulled", "message": "pulled",
    "source": {"component": "kubelet", "host": "node-1"},
    "firstTimestamp": "2026-12-07T09:00:00Z", "lastTimestamp": "2026-12-07T09:10:00Z",
    "count": 4, "type": "Normal"})");
  const json event = events_v1_from_core_event(core);
  EXPECT_EQ(event["apiVersion"], "events.k8s.io/v1");
  EXPECT_EQ(event["regarding"]["name"], "p");
  EXPECT_EQ(event["note"], "pulled");
  EXPECT_EQ(event["deprecatedSource"]["component"], "kubelet");
  EXPECT_EQ(event["deprecatedFirstTimestamp"], "2026-12-07T09:00:00Z");
  EXPECT_EQ(event["deprecatedLastTimestamp"], "2026-12-07T09:10:00Z");
  EXPECT_EQ(event["deprecatedCount"], 4);
  EXPECT_TRUE(event.contains("eventTime"));  // no omitempty on eventTime
  EXPECT_TRUE(event["eventTime"].is_null());
  EXPECT_FALSE(event.contains("reportingController"));
  // The core view of a core Event gains only the always-present fields.
  const json view = core_event_view(core);
  EXPECT_EQ(view["reportingComponent"], "");
  EXPECT_EQ(view["reportingInstance"], "");
  EXPECT_TRUE(view["eventTime"].is_null());
  EXPECT_EQ(view["count"], 4);
}

TEST(EventViews, SourceFieldFallsBackToTheReportingComponent) {
  EXPECT_EQ(core_event_source_field(core_event_from_events_v1(operator_event())),
            "hyperv.operator.io/controller");
  EXPECT_EQ(core_event_source_field(
                {{"source", {{"component", "kubelet"}}}, {"reportingComponent", "x"}}),
            "kubelet");
  EXPECT_EQ(core_event_source_field(json::object()), "");
}

TEST(EventViews, BothViewsPrintTheSameRows) {
  const auto types = builtin_types();
  const ResourceType* core = nullptr;
  const ResourceType* events_v1 = nullptr;
  for (const auto& type : types) {
    if (type.kind == "Event")
      (type.group.empty() ? core : events_v1) = &type;
  }
  ASSERT_TRUE(core && events_v1);
  const json v1 = operator_event();
  const json stored = core_event_from_events_v1(v1);
  const auto now = std::chrono::system_clock::now();
  const json core_table = to_table(*core, {stored}, json::object(), IncludeObject::kNone, now);
  const json v1_table = to_table(*events_v1, {v1}, json::object(), IncludeObject::kNone, now);
  EXPECT_EQ(core_table["rows"][0]["cells"], v1_table["rows"][0]["cells"]);
  std::vector<std::string> names;
  for (const auto& column : core_table["columnDefinitions"])
    names.push_back(column["name"]);
  EXPECT_EQ(names,
            (std::vector<std::string>{"Name", "Last Seen", "Type", "Reason", "Object", "Subobject",
                                      "Source", "Message", "First Seen", "Count"}));
  const json cells = core_table["rows"][0]["cells"];
  EXPECT_EQ(cells[2], "Normal");
  EXPECT_EQ(cells[3], "Started");
  EXPECT_EQ(cells[4], "virtualmachine/vm1");
  EXPECT_EQ(cells[6], "hyperv.operator.io/controller, op-0");
  EXPECT_EQ(cells[7], "VM started on host-1");
  EXPECT_EQ(cells[9], "3");
  EXPECT_TRUE(cells[1].is_string());  // an age, from series.lastObservedTime
}

}  // namespace
}  // namespace hvo::apiserver
