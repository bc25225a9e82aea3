// Defaulting as apiextensions-apiserver does it (structuraldefaulting): null values of
// non-nullable fields are dropped or replaced by their default, missing properties get their
// default, and defaulting recurses into every value, including values that were just defaulted,
// so `default: {}` on an object brings in the defaults of its properties.
#include "api/schema/schema_node.h"
#include "api/schema/structural_schema.h"

namespace hvo::schema {
namespace {

using nlohmann::json;

// The schema a member of an object is checked against: its property schema, else
// additionalProperties when that is a schema.
const json* member_schema(const json& schema, const std::string& key) {
  if (const json* prop = property_schema(schema, key))
    return prop;
  return sub_schema(schema, "additionalProperties");
}

void default_object(const json& schema, json& object) {
  if (auto props = schema.find("properties"); props != schema.end() && props->is_object()) {
    for (auto it = props->begin(); it != props->end(); ++it) {
      if (!it->is_object() || !it->contains("default"))
        continue;
      auto member = object.find(it.key());
      if (member == object.end() || (member->is_null() && !flag(*it, "nullable"))) {
        object[it.key()] = (*it)["default"];
      }
    }
  }
  // A null the schema does not allow and no default replaced is dropped, as if never sent.
  for (auto it = object.begin(); it != object.end();) {
    const json* member = member_schema(schema, it.key());
    if (it->is_null() && member && !flag(*member, "nullable")) {
      it = object.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (const json* member = member_schema(schema, it.key()))
      apply_defaults(*member, it.value());
  }
}

}  // namespace

void apply_defaults(const json& schema, json& value) {
  if (!schema.is_object())
    return;
  if (value.is_object()) {
    default_object(schema, value);
  } else if (value.is_array()) {
    if (const json* items = sub_schema(schema, "items")) {
      for (json& item : value)
        apply_defaults(*items, item);
    }
  }
}

}  // namespace hvo::schema
