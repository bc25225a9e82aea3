#include "tools/apiserver-lite/rest/field_selector.h"

#include <gtest/gtest.h>

#include "tools/apiserver-lite/registry/builtin_types.h"
#include "tools/apiserver-lite/rest/api_error.h"

namespace hvo::apiserver {
namespace {

using nlohmann::json;

ResourceType custom_type() {
  ResourceType type;
  type.kind = "Widget";
  type.custom = true;
  return type;
}

TEST(FieldSelector, MatchesNameAndNamespace) {
  const json object = {{"metadata", {{"name", "a"}, {"namespace", "n1"}}}};
  EXPECT_TRUE(FieldSelector::parse("metadata.name=a", custom_type()).matches(object));
  EXPECT_TRUE(FieldSelector::parse("metadata.name==a,metadata.namespace=n1", custom_type())
                  .matches(object));
  EXPECT_FALSE(FieldSelector::parse("metadata.name!=a", custom_type()).matches(object));
  EXPECT_TRUE(FieldSelector::parse("", custom_type()).empty());
}

TEST(FieldSelector, CustomResourcesRefuseOtherFields) {
  EXPECT_THROW(FieldSelector::parse("spec.size=1", custom_type()), ApiError);
  EXPECT_THROW(FieldSelector::parse("metadata.name", custom_type()), ApiError);
}

TEST(FieldSelector, EventsSelectByInvolvedObject) {
  ResourceType events;
  for (const auto& type : builtin_types()) {
    if (type.group.empty() && type.plural == "events")
      events = type;
  }
  const json event = {{"metadata", {{"name", "e"}}},
                      {"involvedObject", {{"kind", "VirtualMachine"}, {"name", "vm1"}}}};
  auto selector =
      FieldSelector::parse("involvedObject.name=vm1,involvedObject.kind=VirtualMachine", events);
  EXPECT_TRUE(selector.matches(event));
  EXPECT_EQ(selector.required_value("involvedObject.name"), "vm1");
}

}  // namespace
}  // namespace hvo::apiserver
