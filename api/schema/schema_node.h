// Read access to one node of an OpenAPI v3 schema held as JSON, with the defaults the
// specification gives to absent keywords. Shared by validation, defaulting, pruning and the
// structural check so each reads the schema the same way.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace hvo::schema {

// The sub-schema under `key` ("items", "additionalProperties", ...), or nullptr when absent or
// not an object.
inline const nlohmann::json* sub_schema(const nlohmann::json& schema, const char* key) {
  auto it = schema.find(key);
  if (it == schema.end() || !it->is_object())
    return nullptr;
  return &*it;
}

// The schema of property `name` under `properties`, or nullptr.
inline const nlohmann::json* property_schema(const nlohmann::json& schema,
                                             const std::string& name) {
  auto props = schema.find("properties");
  if (props == schema.end() || !props->is_object())
    return nullptr;
  auto it = props->find(name);
  if (it == props->end() || !it->is_object())
    return nullptr;
  return &*it;
}

inline bool flag(const nlohmann::json& schema, const char* key) {
  auto it = schema.find(key);
  return it != schema.end() && it->is_boolean() && it->get<bool>();
}

inline std::string string_keyword(const nlohmann::json& schema, const char* key) {
  auto it = schema.find(key);
  return it != schema.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace hvo::schema
