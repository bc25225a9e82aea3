#include "api/schema/schema_keywords.h"

#include <string_view>
#include <unordered_map>

namespace hvo::schema {
namespace {

using nlohmann::json;

// Where each keyword goes: a pointer member for values, a bool member for flags.
struct Slot {
  const json* SchemaKeywords::*value = nullptr;
  bool SchemaKeywords::*flag = nullptr;
};

const std::unordered_map<std::string_view, Slot>& slots() {
  static const std::unordered_map<std::string_view, Slot> table = {
      {"type", {&SchemaKeywords::type}},
      {"enum", {&SchemaKeywords::enum_values}},
      {"minimum", {&SchemaKeywords::minimum}},
      {"maximum", {&SchemaKeywords::maximum}},
      {"multipleOf", {&SchemaKeywords::multiple_of}},
      {"minLength", {&SchemaKeywords::min_length}},
      {"maxLength", {&SchemaKeywords::max_length}},
      {"pattern", {&SchemaKeywords::pattern}},
      {"format", {&SchemaKeywords::format}},
      {"minItems", {&SchemaKeywords::min_items}},
      {"maxItems", {&SchemaKeywords::max_items}},
      {"items", {&SchemaKeywords::items}},
      {"x-kubernetes-list-type", {&SchemaKeywords::list_type}},
      {"x-kubernetes-list-map-keys", {&SchemaKeywords::list_map_keys}},
      {"minProperties", {&SchemaKeywords::min_properties}},
      {"maxProperties", {&SchemaKeywords::max_properties}},
      {"required", {&SchemaKeywords::required}},
      {"properties", {&SchemaKeywords::properties}},
      {"additionalProperties", {&SchemaKeywords::additional_properties}},
      {"allOf", {&SchemaKeywords::all_of}},
      {"anyOf", {&SchemaKeywords::any_of}},
      {"oneOf", {&SchemaKeywords::one_of}},
      {"not", {&SchemaKeywords::not_schema}},
      {"exclusiveMinimum", {nullptr, &SchemaKeywords::exclusive_minimum}},
      {"exclusiveMaximum", {nullptr, &SchemaKeywords::exclusive_maximum}},
      {"uniqueItems", {nullptr, &SchemaKeywords::unique_items}},
      {"nullable", {nullptr, &SchemaKeywords::nullable}},
      {"x-kubernetes-int-or-string", {nullptr, &SchemaKeywords::int_or_string}},
      {"x-kubernetes-embedded-resource", {nullptr, &SchemaKeywords::embedded_resource}},
  };
  return table;
}

}  // namespace

SchemaKeywords read_keywords(const json& schema) {
  SchemaKeywords keywords;
  if (!schema.is_object())
    return keywords;
  const auto& table = slots();
  for (auto it = schema.begin(); it != schema.end(); ++it) {
    const auto slot = table.find(it.key());
    if (slot == table.end())
      continue;
    if (slot->second.value) {
      keywords.*(slot->second.value) = &it.value();
    } else {
      keywords.*(slot->second.flag) = it->is_boolean() && it->get<bool>();
    }
  }
  return keywords;
}

}  // namespace hvo::schema
