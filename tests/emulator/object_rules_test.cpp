#include "tools/apiserver-lite/rest/object_rules.h"

#include <gtest/gtest.h>

#include "tools/apiserver-lite/rest/api_error.h"

namespace hvo::apiserver {
namespace {

using nlohmann::json;

ResourceType widget_type() {
  ResourceType type;
  type.group = "example.io";
  type.version = "v1";
  type.kind = "Widget";
  type.plural = "widgets";
  type.namespaced = true;
  type.status_subresource = true;
  type.tracks_generation = true;
  type.custom = true;
  type.storage_prefix = "/registry/example.io/widgets";
  return type;
}

const CreateContext kContext{"team-a", "2026-01-02T03:04:05Z", "uid-1", "abcde"};

TEST(PrepareForCreate, FillsServerFieldsAndDropsStatus) {
  json object = {{"metadata", {{"name", "w1"}, {"resourceVersion", "5"}}},
                 {"spec", {{"size", 1}}},
                 {"status", {{"phase", "Done"}}}};
  prepare_for_create(widget_type(), object, kContext);
  EXPECT_EQ(object["metadata"]["namespace"], "team-a");
  EXPECT_EQ(object["metadata"]["uid"], "uid-1");
  EXPECT_EQ(object["metadata"]["creationTimestamp"], "2026-01-02T03:04:05Z");
  EXPECT_EQ(object["metadata"]["generation"], 1);
  EXPECT_FALSE(object["metadata"].contains("resourceVersion"));
  EXPECT_FALSE(object.contains("status"));
  EXPECT_EQ(object["apiVersion"], "example.io/v1");
}

TEST(PrepareForCreate, GenerateNameAppendsTheSuffix) {
  json object = {{"metadata", {{"generateName", "w-"}}}};
  prepare_for_create(widget_type(), object, kContext);
  EXPECT_EQ(object["metadata"]["name"], "w-abcde");
}

TEST(PrepareForCreate, InvalidNameIs422NamingTheField) {
  json object = {{"metadata", {{"name", "Not_Valid"}}}};
  try {
    prepare_for_create(widget_type(), object, kContext);
    FAIL() << "expected ApiError";
  } catch (const ApiError& error) {
    EXPECT_EQ(error.code(), 422);
    EXPECT_EQ(error.status_body()["details"]["causes"][0]["field"], "metadata.name");
  }
}

TEST(PrepareForCreate, NamespaceMismatchIs400) {
  json object = {{"metadata", {{"name", "w"}, {"namespace", "other"}}}};
  try {
    prepare_for_create(widget_type(), object, kContext);
    FAIL() << "expected ApiError";
  } catch (const ApiError& error) {
    EXPECT_EQ(error.code(), 400);
  }
}

json stored_widget() {
  return {{"apiVersion", "example.io/v1"},
          {"kind", "Widget"},
          {"metadata",
           {{"name", "w1"},
            {"namespace", "team-a"},
            {"uid", "uid-1"},
            {"generation", 3},
            {"creationTimestamp", "2026-01-02T03:04:05Z"}}},
          {"spec", {{"size", 1}}},
          {"status", {{"phase", "Running"}}}};
}

TEST(PrepareForUpdate, SpecChangeBumpsGenerationAndKeepsStatus) {
  json updated = stored_widget();
  updated["spec"]["size"] = 2;
  updated["status"] = {{"phase", "Hacked"}};
  updated["metadata"]["uid"] = "forged";
  prepare_for_update(widget_type(), stored_widget(), updated);
  EXPECT_EQ(updated["metadata"]["generation"], 4);
  EXPECT_EQ(updated["status"]["phase"], "Running");
  EXPECT_EQ(updated["metadata"]["uid"], "uid-1");
}

TEST(PrepareForUpdate, MetadataOnlyChangeKeepsGeneration) {
  json updated = stored_widget();
  updated["metadata"]["labels"] = {{"a", "b"}};
  updated["metadata"]["finalizers"] = {"example.io/cleanup"};
  prepare_for_update(widget_type(), stored_widget(), updated);
  EXPECT_EQ(updated["metadata"]["generation"], 3);
}

TEST(PrepareForUpdate, NoNewFinalizerWhileDeleting) {
  json old = stored_widget();
  old["metadata"]["deletionTimestamp"] = "2026-01-02T03:05:00Z";
  json updated = old;
  updated["metadata"]["finalizers"] = {"late"};
  try {
    prepare_for_update(widget_type(), old, updated);
    FAIL() << "expected ApiError";
  } catch (const ApiError& error) {
    EXPECT_EQ(error.code(), 422);
    EXPECT_EQ(error.status_body()["details"]["causes"][0]["field"], "metadata.finalizers");
  }
}

TEST(PrepareForStatusUpdate, TakesOnlyStatus) {
  json updated = stored_widget();
  updated["spec"]["size"] = 9;
  updated["metadata"]["labels"] = {{"x", "y"}};
  updated["status"]["phase"] = "Stopped";
  const json result = prepare_for_status_update(stored_widget(), updated);
  EXPECT_EQ(result["spec"]["size"], 1);
  EXPECT_FALSE(result["metadata"].contains("labels"));
  EXPECT_EQ(result["status"]["phase"], "Stopped");
  EXPECT_EQ(result["metadata"]["generation"], 3);
}

TEST(ValidateName, NamespacesAreLabelsRbacArePathSegments) {
  ResourceType ns;
  ns.plural = "namespaces";
  EXPECT_FALSE(validate_name(ns, "a.b").empty());
  EXPECT_TRUE(validate_name(ns, "team-a").empty());
  ResourceType role;
  role.group = "rbac.authorization.k8s.io";
  role.plural = "clusterroles";
  EXPECT_TRUE(validate_name(role, "system:controller:x").empty());
  EXPECT_FALSE(validate_name(role, "a/b").empty());
}

}  // namespace
}  // namespace hvo::apiserver
