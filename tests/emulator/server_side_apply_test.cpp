#include "tools/apiserver-lite/patch/server_side_apply.h"

#include <gtest/gtest.h>

#include <set>

#include "tools/apiserver-lite/patch/json_patches.h"

namespace hvo::apiserver {
namespace {

using nlohmann::json;

const ApplyRequest kAlice{"alice", "example.io/v1", "2026-01-01T00:00:00Z"};
const ApplyRequest kBob{"bob", "example.io/v1", "2026-01-01T00:00:00Z"};

TEST(ServerSideApply, CreatesFromNothingAndRecordsOwnership) {
  const json applied = {{"apiVersion", "example.io/v1"},
                        {"kind", "Widget"},
                        {"metadata", {{"name", "w"}, {"labels", {{"a", "1"}}}}},
                        {"spec", {{"size", 1}}}};
  const json result = server_side_apply(nullptr, applied, kAlice);
  EXPECT_EQ(result["spec"]["size"], 1);
  EXPECT_EQ(result["metadata"]["labels"]["a"], "1");
  const json& entry = result["metadata"]["managedFields"][0];
  EXPECT_EQ(entry["manager"], "alice");
  EXPECT_EQ(entry["operation"], "Apply");
  EXPECT_TRUE(entry["fieldsV1"]["f:spec"].contains("f:size"));
  EXPECT_FALSE(entry["fieldsV1"]["f:metadata"].contains("f:name"));
}

TEST(ServerSideApply, FieldsDroppedByTheManagerAreRemoved) {
  const json first =
      server_side_apply(nullptr, {{"spec", {{"size", 1}, {"color", "red"}}}}, kAlice);
  const json second = server_side_apply(first, {{"spec", {{"size", 2}}}}, kAlice);
  EXPECT_EQ(second["spec"]["size"], 2);
  EXPECT_FALSE(second["spec"].contains("color"));
}

TEST(ServerSideApply, FieldsOfOtherManagersStay) {
  const json alice = server_side_apply(nullptr, {{"spec", {{"size", 1}}}}, kAlice);
  const json bob = server_side_apply(alice, {{"spec", {{"color", "red"}}}}, kBob);
  const json again = server_side_apply(bob, {{"spec", {{"size", 3}}}}, kAlice);
  EXPECT_EQ(again["spec"]["color"], "red");
  EXPECT_EQ(again["spec"]["size"], 3);
  EXPECT_EQ(again["metadata"]["managedFields"].size(), 2u);
}

std::set<std::string> managers_of(const json& object) {
  std::set<std::string> managers;
  for (const auto& entry : object["metadata"]["managedFields"])
    managers.insert(entry["manager"].get<std::string>());
  return managers;
}

TEST(ServerSideApply, SettingAFieldAnotherManagerOwnsToAnotherValueConflicts) {
  const json alice = server_side_apply(
      nullptr, {{"metadata", {{"labels", {{"app", "a"}}}}}, {"spec", {{"size", 1}}}}, kAlice);
  try {
    server_side_apply(alice, {{"metadata", {{"labels", {{"app", "b"}}}}}, {"spec", {{"size", 2}}}},
                      kBob);
    ADD_FAILURE() << "no conflict";
  } catch (const ApplyConflicts& error) {
    ASSERT_EQ(error.conflicts().size(), 2u);
    std::set<std::string> fields;
    for (const auto& conflict : error.conflicts()) {
      EXPECT_EQ(conflict.manager, "alice");
      fields.insert(conflict.field);
    }
    EXPECT_EQ(fields, (std::set<std::string>{".metadata.labels.app", ".spec.size"}));
    EXPECT_NE(std::string(error.what()).find("Apply failed with 2 conflicts"), std::string::npos)
        << error.what();
  }
}

TEST(ServerSideApply, TheSameValueIsSharedOwnershipNotAConflict) {
  const json alice = server_side_apply(nullptr, {{"spec", {{"size", 1}}}}, kAlice);
  const json both = server_side_apply(alice, {{"spec", {{"size", 1}}}}, kBob);
  EXPECT_EQ(managers_of(both), (std::set<std::string>{"alice", "bob"}));
  // Alice lets go of the field; Bob still holds it, so it stays.
  const json alice_left = server_side_apply(both, {{"spec", json::object()}}, kAlice);
  EXPECT_EQ(alice_left["spec"]["size"], 1);
}

TEST(ServerSideApply, ForceMovesTheConflictingFieldsToTheApplyingManager) {
  const json alice =
      server_side_apply(nullptr, {{"spec", {{"size", 1}, {"color", "red"}}}}, kAlice);
  ApplyRequest forced = kBob;
  forced.force = true;
  const json bob = server_side_apply(alice, {{"spec", {{"size", 2}}}}, forced);
  EXPECT_EQ(bob["spec"]["size"], 2);
  EXPECT_EQ(bob["spec"]["color"], "red");
  for (const auto& entry : bob["metadata"]["managedFields"]) {
    const bool owns_size = entry["fieldsV1"]["f:spec"].contains("f:size");
    EXPECT_EQ(owns_size, entry["manager"] == "bob") << entry.dump();
  }
  // Alice now conflicts with Bob when she applies her old size again.
  EXPECT_THROW(server_side_apply(bob, {{"spec", {{"size", 1}, {"color", "red"}}}}, kAlice),
               ApplyConflicts);
  // A manager left owning nothing leaves managedFields.
  const json taken = server_side_apply(bob, {{"spec", {{"color", "blue"}}}}, [] {
    ApplyRequest carol{"carol", "example.io/v1", "2026-01-01T00:00:00Z"};
    carol.force = true;
    return carol;
  }());
  EXPECT_EQ(managers_of(taken), (std::set<std::string>{"bob", "carol"}));
}

TEST(JsonPatches, MergePatchDeletesWithNull) {
  auto patched =
      apply_merge_patch({{"a", 1}, {"b", {{"c", 2}}}}, {{"a", nullptr}, {"b", {{"d", 3}}}});
  ASSERT_TRUE(patched.ok());
  EXPECT_FALSE(patched->contains("a"));
  EXPECT_EQ((*patched)["b"]["c"], 2);
  EXPECT_EQ((*patched)["b"]["d"], 3);
  EXPECT_FALSE(apply_merge_patch(json::object(), json::array()).ok());
}

TEST(JsonPatches, JsonPatchAppliesOperationsOrFails) {
  auto patched = apply_json_patch({{"spec", {{"list", {1}}}}},
                                  json::parse(R"([{"op":"add","path":"/spec/list/-","value":2},
                                                  {"op":"replace","path":"/spec/x","value":1}])"));
  EXPECT_FALSE(patched.ok());  // /spec/x does not exist: replace fails
  auto ok = apply_json_patch({{"spec", {{"list", {1}}}}},
                             json::parse(R"([{"op":"add","path":"/spec/list/-","value":2}])"));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)["spec"]["list"], json({1, 2}));
  EXPECT_FALSE(apply_json_patch(json::object(), json::object()).ok());
}

}  // namespace
}  // namespace hvo::apiserver
