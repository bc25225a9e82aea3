// Pruning as apiextensions-apiserver does it (structuralpruning): fields a structural schema does
// not declare are dropped, except under x-kubernetes-preserve-unknown-fields and the apiVersion,
// kind and metadata of the resource itself and of embedded resources.
#include "api/schema/field_errors.h"
#include "api/schema/schema_node.h"
#include "api/schema/structural_schema.h"

namespace hvo::schema {
namespace {

using nlohmann::json;

bool is_type_meta_or_metadata(const std::string& key) {
  return key == "apiVersion" || key == "kind" || key == "metadata";
}

void prune_value(const json& schema, json& value, bool resource_root, const std::string& path,
                 std::vector<std::string>* pruned) {
  if (!schema.is_object())
    return;
  if (value.is_array()) {
    if (const json* items = sub_schema(schema, "items")) {
      for (size_t i = 0; i < value.size(); ++i) {
        prune_value(*items, value[i], false, index_path(path, i), pruned);
      }
    }
    return;
  }
  if (!value.is_object())
    return;

  const bool preserve = flag(schema, "x-kubernetes-preserve-unknown-fields");
  const bool keeps_meta = resource_root || flag(schema, "x-kubernetes-embedded-resource");
  const auto additional = schema.find("additionalProperties");
  const bool additional_allowed =
      additional != schema.end() &&
      (additional->is_object() || (additional->is_boolean() && additional->get<bool>()));
  for (auto it = value.begin(); it != value.end();) {
    const std::string child = child_path(path, it.key());
    // A resource's metadata is ObjectMeta, checked by the API server's own rules, whatever the
    // schema says about it.
    if (keeps_meta && it.key() == "metadata") {
      ++it;
      continue;
    }
    if (const json* prop = property_schema(schema, it.key())) {
      prune_value(*prop, it.value(), false, child, pruned);
    } else if (additional != schema.end() && additional->is_object()) {
      prune_value(*additional, it.value(), false, child, pruned);
    } else if (!preserve && !additional_allowed &&
               !(keeps_meta && is_type_meta_or_metadata(it.key()))) {
      if (pruned)
        pruned->push_back(child);
      it = value.erase(it);
      continue;
    }
    ++it;
  }
}

}  // namespace

void prune(const json& schema, json& value, std::vector<std::string>* pruned) {
  prune_value(schema, value, true, "", pruned);
}

}  // namespace hvo::schema
