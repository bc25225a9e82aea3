#include "tools/apiserver-lite/patch/managed_fields.h"

#include <gtest/gtest.h>

#include "tools/apiserver-lite/patch/server_side_apply.h"

namespace hvo::apiserver {
namespace {

using nlohmann::json;

const UpdateManager kEditor{"editor", "example.io/v1", "2026-01-02T00:00:00Z", ""};

json widget(const json& spec) {
  return {{"apiVersion", "example.io/v1"},
          {"kind", "Widget"},
          {"metadata", {{"name", "w"}, {"uid", "u1"}, {"labels", {{"app", "a"}}}}},
          {"spec", spec}};
}

// The entry of `manager` with `operation`, or null.
json entry_of(const json& object, const std::string& manager, const std::string& operation) {
  for (const auto& entry : object["metadata"].value("managedFields", json::array())) {
    if (entry["manager"] == manager && entry["operation"] == operation)
      return entry;
  }
  return nullptr;
}

TEST(ManagedFields, ManagerIsTheUserAgentsProgram) {
  EXPECT_EQ(manager_from_user_agent("kubectl/v1.32.0 (linux/amd64) kubernetes/abc"), "kubectl");
  EXPECT_EQ(manager_from_user_agent("OpenAPI-Generator/22.6.0/python"), "OpenAPI-Generator");
  EXPECT_EQ(manager_from_user_agent("no-slash"), "no-slash");
  EXPECT_EQ(manager_from_user_agent(""), "");
  EXPECT_EQ(manager_from_user_agent("tab\there/1"), "tabhere");  // unprintable runes dropped
  EXPECT_EQ(manager_from_user_agent(std::string(200, 'x') + "/1").size(), 128u);
}

// Found by the json_patch fuzz target: entries of the wrong shape made the field manager throw
// (a 500). Upstream reads them as no managedFields at all, so the live entries stay.
TEST(ManagedFields, MalformedEntriesSentWithAWriteAreReadAsNoneAndTheLiveOnesKept) {
  const ApplyRequest alice{"alice", "example.io/v1", "2026-01-01T00:00:00Z"};
  const json live = server_side_apply(nullptr, widget({{"size", 1}}), alice);
  for (const json& garbage :
       {json::array({42}), json::array({{{"manager", false}}}),
        json::array({{{"manager", "x"}, {"fieldsV1", "f:spec"}}}), json("not a list")}) {
    json updated = live;
    updated["metadata"]["managedFields"] = garbage;
    updated["spec"]["size"] = 2;
    ASSERT_NO_THROW(record_update(live, updated, kEditor)) << garbage;
    EXPECT_FALSE(entry_of(updated, "alice", "Apply").is_null()) << garbage;
    EXPECT_FALSE(entry_of(updated, "editor", "Update").is_null()) << garbage;
    EXPECT_TRUE(managed_fields_well_formed(updated["metadata"]["managedFields"])) << garbage;
  }
}

TEST(ManagedFields, ApplyOverALiveObjectWithMalformedEntriesStartsFromNone) {
  json live = widget({{"size", 1}});
  live["metadata"]["managedFields"] = json::array({{{"manager", 7}, {"operation", "Apply"}}});
  const ApplyRequest alice{"alice", "example.io/v1", "2026-01-01T00:00:00Z"};
  json applied;
  ASSERT_NO_THROW(applied = server_side_apply(live, widget({{"size", 3}}), alice));
  EXPECT_EQ(applied["spec"]["size"], 3);
  EXPECT_TRUE(managed_fields_well_formed(applied["metadata"]["managedFields"]));
  EXPECT_FALSE(entry_of(applied, "alice", "Apply").is_null());
}

TEST(ManagedFields, CreateOwnsEverySetFieldButServerMetadata) {
  json object = widget({{"size", 1}, {"tags", {"a", "b"}}});
  record_update(nullptr, object, kEditor);
  const json& entries = object["metadata"]["managedFields"];
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0]["manager"], "editor");
  EXPECT_EQ(entries[0]["operation"], "Update");
  EXPECT_EQ(entries[0]["apiVersion"], "example.io/v1");
  EXPECT_EQ(entries[0]["time"], "2026-01-02T00:00:00Z");
  EXPECT_EQ(entries[0]["fieldsType"], "FieldsV1");
  const json expected = {{"f:metadata", {{"f:labels", {{"f:app", json::object()}}}}},
                         {"f:spec", {{"f:size", json::object()}, {"f:tags", json::object()}}}};
  EXPECT_EQ(entries[0]["fieldsV1"], expected);
  EXPECT_FALSE(entries[0].contains("subresource"));
}

TEST(ManagedFields, UpdateTakesChangedFieldsFromAnApplyManager) {
  const ApplyRequest alice{"alice", "example.io/v1", "2026-01-01T00:00:00Z"};
  const json applied = server_side_apply(nullptr, widget({{"size", 1}, {"color", "red"}}), alice);
  json updated = applied;
  updated["spec"]["size"] = 2;
  record_update(applied, updated, kEditor);
  const json alice_entry = entry_of(updated, "alice", "Apply");
  const json editor_entry = entry_of(updated, "editor", "Update");
  ASSERT_FALSE(alice_entry.is_null());
  ASSERT_FALSE(editor_entry.is_null());
  EXPECT_FALSE(alice_entry["fieldsV1"]["f:spec"].contains("f:size"));
  EXPECT_TRUE(alice_entry["fieldsV1"]["f:spec"].contains("f:color"));
  EXPECT_EQ(editor_entry["fieldsV1"], json({{"f:spec", {{"f:size", json::object()}}}}));
  // Apply before Update, as upstream sorts them.
  EXPECT_EQ(updated["metadata"]["managedFields"][0]["operation"], "Apply");

  // Alice applying size again now conflicts with the editor, as upstream.
  json again = widget({{"size", 3}, {"color", "red"}});
  EXPECT_THROW(server_side_apply(updated, again, alice), ApplyConflicts);
}

TEST(ManagedFields, RemovedFieldsLeaveEveryManagerAndEmptyEntriesGo) {
  json first = widget({{"size", 1}});
  record_update(nullptr, first, {"creator", "example.io/v1", "2026-01-01T00:00:00Z", ""});
  json second = first;
  second["metadata"].erase("labels");
  second["spec"].erase("size");
  second["spec"]["color"] = "blue";
  record_update(first, second, kEditor);
  EXPECT_TRUE(entry_of(second, "creator", "Update").is_null()) << second.dump();
  EXPECT_EQ(entry_of(second, "editor", "Update")["fieldsV1"],
            json({{"f:spec", {{"f:color", json::object()}}}}));
}

TEST(ManagedFields, TheTimeMovesWhenTheWriteSetsAField) {
  json first = widget({{"size", 1}, {"color", "red"}});
  record_update(nullptr, first, {"editor", "example.io/v1", "2026-01-01T00:00:00Z", ""});
  json removal = first;
  removal["spec"].erase("color");  // only a removal: the entry keeps its time
  record_update(first, removal, kEditor);
  ASSERT_EQ(removal["metadata"]["managedFields"].size(), 1u);
  EXPECT_EQ(removal["metadata"]["managedFields"][0]["time"], "2026-01-01T00:00:00Z");
  EXPECT_FALSE(removal["metadata"]["managedFields"][0]["fieldsV1"]["f:spec"].contains("f:color"));
  json change = removal;
  change["spec"]["size"] = 5;
  record_update(removal, change, kEditor);
  EXPECT_EQ(change["metadata"]["managedFields"][0]["time"], "2026-01-02T00:00:00Z");
}

TEST(ManagedFields, StatusWritesAreRecordedWithTheirSubresource) {
  json first = widget({{"size", 1}});
  json second = first;
  second["status"] = {{"phase", "Ready"}};
  record_update(first, second, {"controller", "example.io/v1", "2026-01-01T00:00:00Z", "status"});
  const json entry = entry_of(second, "controller", "Update");
  EXPECT_EQ(entry["subresource"], "status");
  EXPECT_EQ(entry["fieldsV1"], json({{"f:status", {{"f:phase", json::object()}}}}));
}

TEST(ManagedFields, ClientsCanEditOrClearTheEntries) {
  json first = widget({{"size", 1}});
  record_update(nullptr, first, kEditor);
  json cleared = first;
  cleared["metadata"]["managedFields"] = json::array({json::object()});
  cleared["spec"]["size"] = 2;
  record_update(first, cleared, kEditor);
  EXPECT_FALSE(cleared["metadata"].contains("managedFields"));
  // An empty list is "not sent": the live entries stay.
  json kept = first;
  kept["metadata"]["managedFields"] = json::array();
  record_update(first, kept, kEditor);
  EXPECT_EQ(kept["metadata"]["managedFields"], first["metadata"]["managedFields"]);
}

}  // namespace
}  // namespace hvo::apiserver
