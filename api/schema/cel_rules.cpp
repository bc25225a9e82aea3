// Lists the CEL rules (x-kubernetes-validations) of a schema with the data path of the node that
// carries each: "spec.generation", "spec.disks[*]" for list items, "spec.labels.*" for map values.
#include "api/schema/field_errors.h"
#include "api/schema/schema_node.h"
#include "api/schema/structural_schema.h"

namespace hvo::schema {
namespace {

using nlohmann::json;

void collect(const json& schema, const std::string& path, std::vector<CelRule>& rules) {
  if (!schema.is_object())
    return;
  if (auto list = schema.find("x-kubernetes-validations");
      list != schema.end() && list->is_array()) {
    for (const json& entry : *list) {
      if (!entry.is_object())
        continue;
      rules.push_back({path, string_keyword(entry, "rule"), string_keyword(entry, "message")});
    }
  }
  if (auto props = schema.find("properties"); props != schema.end() && props->is_object()) {
    for (auto it = props->begin(); it != props->end(); ++it) {
      collect(*it, child_path(path, it.key()), rules);
    }
  }
  if (const json* items = sub_schema(schema, "items"))
    collect(*items, path + "[*]", rules);
  if (const json* additional = sub_schema(schema, "additionalProperties")) {
    collect(*additional, child_path(path, "*"), rules);
  }
}

}  // namespace

std::vector<CelRule> cel_rules(const json& schema) {
  std::vector<CelRule> rules;
  collect(schema, "", rules);
  return rules;
}

}  // namespace hvo::schema
