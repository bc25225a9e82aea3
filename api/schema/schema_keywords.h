// The keywords of one schema node that validation reads, gathered in a single pass over the
// node's members. Validation visits a node once per value it checks (every item of a list, every
// object written to the API server), and one pass with a hash lookup per member costs far less
// than a separate ordered-map lookup for each of the ~30 keywords.
#pragma once

#include <nlohmann/json.hpp>

namespace hvo::schema {

struct SchemaKeywords {
  const nlohmann::json* type = nullptr;
  const nlohmann::json* enum_values = nullptr;
  const nlohmann::json* minimum = nullptr;
  const nlohmann::json* maximum = nullptr;
  const nlohmann::json* multiple_of = nullptr;
  const nlohmann::json* min_length = nullptr;
  const nlohmann::json* max_length = nullptr;
  const nlohmann::json* pattern = nullptr;
  const nlohmann::json* format = nullptr;
  const nlohmann::json* min_items = nullptr;
  const nlohmann::json* max_items = nullptr;
  const nlohmann::json* items = nullptr;
  const nlohmann::json* list_type = nullptr;
  const nlohmann::json* list_map_keys = nullptr;
  const nlohmann::json* min_properties = nullptr;
  const nlohmann::json* max_properties = nullptr;
  const nlohmann::json* required = nullptr;
  const nlohmann::json* properties = nullptr;
  const nlohmann::json* additional_properties = nullptr;
  const nlohmann::json* all_of = nullptr;
  const nlohmann::json* any_of = nullptr;
  const nlohmann::json* one_of = nullptr;
  const nlohmann::json* not_schema = nullptr;
  bool exclusive_minimum = false;
  bool exclusive_maximum = false;
  bool unique_items = false;
  bool nullable = false;
  bool int_or_string = false;
  bool embedded_resource = false;
};

// Reads the keywords of `schema` (an object); unknown members are ignored.
SchemaKeywords read_keywords(const nlohmann::json& schema);

}  // namespace hvo::schema
