#include "tools/apiserver-lite/registry/crd_types.h"

#include <gtest/gtest.h>

#include "tools/apiserver-lite/openapi/openapi_builder.h"
#include "tools/apiserver-lite/registry/resource_registry.h"

namespace hvo::apiserver {
namespace {

using nlohmann::json;

json widget_crd() {
  return json::parse(R"({
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.io"},
    "spec": {"group": "example.io", "scope": "Namespaced",
      "names": {"kind": "Widget", "plural": "widgets", "shortNames": ["wd"], "categories": ["toys"]},
      "versions": [{"name": "v1", "served": true, "storage": true,
        "subresources": {"status": {}},
        "additionalPrinterColumns": [{"name": "Size", "type": "integer", "jsonPath": ".spec.size"}],
        "schema": {"openAPIV3Schema": {"type": "object", "properties": {
          "spec": {"type": "object", "properties": {"size": {"type": "integer"}}},
          "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}}}]}})");
}

TEST(CrdTypes, ValidCrdServesEachVersion) {
  EXPECT_TRUE(validate_crd(widget_crd()).empty());
  const auto types = crd_resource_types(widget_crd());
  ASSERT_EQ(types.size(), 1u);
  EXPECT_EQ(types[0].kind, "Widget");
  EXPECT_EQ(types[0].list_kind, "WidgetList");
  EXPECT_EQ(types[0].singular, "widget");
  EXPECT_TRUE(types[0].status_subresource);
  EXPECT_EQ(types[0].storage_prefix, "/registry/example.io/widgets");
  ASSERT_EQ(types[0].printer_columns.size(), 1u);
  EXPECT_EQ(types[0].printer_columns[0].json_path, ".spec.size");
}

TEST(CrdTypes, InvalidCrdNamesTheFields) {
  json crd = widget_crd();
  crd["metadata"]["name"] = "wrong";
  crd["spec"]["scope"] = "Galaxy";
  crd["spec"]["versions"][0]["storage"] = false;
  std::vector<std::string> fields;
  for (const auto& error : validate_crd(crd))
    fields.push_back(error.field);
  EXPECT_NE(std::find(fields.begin(), fields.end(), "metadata.name"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "spec.scope"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "spec.versions"), fields.end());
}

TEST(CrdTypes, StatusIsEstablishedWithAcceptedNames) {
  json crd = widget_crd();
  set_crd_status(crd, "2026-01-01T00:00:00Z");
  EXPECT_EQ(crd["status"]["acceptedNames"]["kind"], "Widget");
  EXPECT_EQ(crd["status"]["storedVersions"], json({"v1"}));
  std::map<std::string, std::string> conditions;
  for (const auto& c : crd["status"]["conditions"])
    conditions[c["type"]] = c["status"];
  EXPECT_EQ(conditions["Established"], "True");
  EXPECT_EQ(conditions["NamesAccepted"], "True");
}

TEST(OpenApi, PatchOperationsAdvertiseFieldValidationAndTheKind) {
  ResourceRegistry registry;
  registry.set_crd_versions("widgets.example.io", crd_resource_types(widget_crd()));
  const auto document = openapi_v3_document(registry.all(), "apis/example.io/v1");
  ASSERT_TRUE(document.has_value());
  const json& patch =
      (*document)["paths"]["/apis/example.io/v1/namespaces/{namespace}/widgets/{name}"]["patch"];
  EXPECT_EQ(patch["x-kubernetes-group-version-kind"]["kind"], "Widget");
  bool has_field_validation = false;
  for (const auto& parameter : patch["parameters"]) {
    has_field_validation |= parameter["name"] == "fieldValidation";
  }
  EXPECT_TRUE(has_field_validation);
  const json& schema = (*document)["components"]["schemas"]["io.example.v1.Widget"];
  EXPECT_EQ(schema["x-kubernetes-group-version-kind"][0]["kind"], "Widget");
  EXPECT_TRUE(schema["properties"]["spec"]["properties"].contains("size"));
  EXPECT_TRUE(openapi_v3_index(registry.all())["paths"].contains("apis/example.io/v1"));
  EXPECT_FALSE(openapi_v3_document(registry.all(), "apis/other.io/v1").has_value());
}

}  // namespace
}  // namespace hvo::apiserver
