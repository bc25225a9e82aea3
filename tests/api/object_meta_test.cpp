#include "api/k8s/object_meta.h"

#include <gtest/gtest.h>

namespace hvo::k8s {
namespace {

const char* kFullMetadata = R"({
  "name": "web-1",
  "generateName": "web-",
  "namespace": "team-a",
  "uid": "2f1c7a4e-8d0b-4c1e-9a57-0d3b7c2e9f10",
  "resourceVersion": "4711",
  "generation": 3,
  "creationTimestamp": "2026-11-22T01:46:16Z",
  "deletionTimestamp": "2026-11-22T02:00:00Z",
  "deletionGracePeriodSeconds": 0,
  "labels": {"app": "web"},
  "annotations": {"note": "x"},
  "finalizers": ["hyperv.operator.io/vm"],
  "ownerReferences": [{"apiVersion": "hyperv.operator.io/v1alpha1", "kind": "Tenant",
                       "name": "acme", "uid": "u-1", "controller": true,
                       "blockOwnerDeletion": true}],
  "managedFields": [{"manager": "kubectl", "operation": "Apply"}],
  "selfLink": "kept although unknown"
})";

TEST(ObjectMeta, JsonRoundTripKeepsEveryField) {
  const Json input = Json::parse(kFullMetadata);
  FieldErrors errors;
  ObjectMeta meta;
  decode(input, "metadata", errors, meta);
  ASSERT_TRUE(errors.empty()) << join(errors);
  EXPECT_EQ(meta.key(), "team-a/web-1");
  EXPECT_EQ(meta.generation, 3);
  EXPECT_TRUE(meta.is_being_deleted());
  EXPECT_EQ(meta.deletion_grace_period_seconds, 0);
  ASSERT_NE(meta.controller_reference(), nullptr);
  EXPECT_EQ(meta.controller_reference()->name, "acme");
  Json output = input;
  encode(output, meta);
  EXPECT_EQ(output, input);
}

TEST(ObjectMeta, EncodingFromScratchLeavesOutEmptyFields) {
  ObjectMeta meta;
  meta.name = "hv-01";
  Json output;
  encode(output, meta);
  EXPECT_EQ(output, Json::parse(R"({"name":"hv-01"})"));
  EXPECT_EQ(meta.key(), "hv-01");
  EXPECT_FALSE(meta.is_being_deleted());
  EXPECT_EQ(meta.controller_reference(), nullptr);
}

TEST(ObjectMeta, RemovedFieldsAreRemovedFromTheJson) {
  Json json = Json::parse(kFullMetadata);
  FieldErrors errors;
  ObjectMeta meta;
  decode(json, "metadata", errors, meta);
  meta.labels.clear();
  meta.deletion_timestamp.reset();
  EXPECT_TRUE(meta.remove_finalizer("hyperv.operator.io/vm"));
  encode(json, meta);
  EXPECT_FALSE(json.contains("labels"));
  EXPECT_FALSE(json.contains("deletionTimestamp"));
  EXPECT_FALSE(json.contains("finalizers"));
  EXPECT_EQ(json["selfLink"], "kept although unknown");
}

TEST(ObjectMeta, FinalizerHelpersReportChanges) {
  ObjectMeta meta;
  EXPECT_TRUE(meta.add_finalizer("a"));
  EXPECT_FALSE(meta.add_finalizer("a"));
  EXPECT_TRUE(meta.has_finalizer("a"));
  EXPECT_TRUE(meta.remove_finalizer("a"));
  EXPECT_FALSE(meta.remove_finalizer("a"));
  EXPECT_FALSE(meta.has_finalizer("a"));
}

struct DecodeErrorCase {
  const char* name;
  const char* json;
  const char* error;
};

// What gtest prints for a row, and so what ctest names it by: a name, not the bytes.
void PrintTo(const DecodeErrorCase& c, std::ostream* os) {
  *os << c.name;
}

class ObjectMetaDecodeError : public testing::TestWithParam<DecodeErrorCase> {};

TEST_P(ObjectMetaDecodeError, NamesTheField) {
  FieldErrors errors;
  ObjectMeta meta;
  decode(Json::parse(GetParam().json), "metadata", errors, meta);
  ASSERT_EQ(errors.size(), 1u) << join(errors);
  EXPECT_EQ(errors[0].to_string(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ObjectMetaDecodeError,
    testing::Values(
        DecodeErrorCase{"NotAnObject", "[]", "metadata: expected object, got array"},
        DecodeErrorCase{"NameNotString", R"({"name":5})",
                        "metadata.name: expected string, got integer"},
        DecodeErrorCase{"GenerationNotInteger", R"({"generation":"3"})",
                        "metadata.generation: expected integer, got string"},
        DecodeErrorCase{"GenerationFraction", R"({"generation":1.5})",
                        "metadata.generation: expected integer, got number"},
        DecodeErrorCase{"GenerationTooLarge", R"({"generation":18446744073709551615})",
                        "metadata.generation: integer out of range: 18446744073709551615"},
        DecodeErrorCase{"BadTimestamp", R"({"creationTimestamp":"now"})",
                        "metadata.creationTimestamp: time \"now\": malformed date or time "
                        "(expected RFC 3339, e.g. 2006-01-02T15:04:05Z)"},
        DecodeErrorCase{"FinalizerNotString", R"({"finalizers":["a",1]})",
                        "metadata.finalizers[1]: expected string, got integer"},
        DecodeErrorCase{"OwnerWithoutUid",
                        R"({"ownerReferences":[{"apiVersion":"v1","kind":"K","name":"n"}]})",
                        "metadata.ownerReferences[0].uid: required value"},
        DecodeErrorCase{"AnnotationsNotMap", R"({"annotations":["a"]})",
                        "metadata.annotations: expected object, got array"}),
    [](const testing::TestParamInfo<DecodeErrorCase>& info) { return info.param.name; });

}  // namespace
}  // namespace hvo::k8s
