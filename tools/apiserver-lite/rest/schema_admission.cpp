#include "tools/apiserver-lite/rest/schema_admission.h"

#include "api/schema/structural_schema.h"
#include "tools/apiserver-lite/cel/cel_validation.h"
#include "tools/apiserver-lite/rest/api_error.h"

namespace hvo::apiserver {

using nlohmann::json;

FieldValidation parse_field_validation(const std::string& value) {
  if (value.empty() || value == "Warn")
    return FieldValidation::kWarn;
  if (value == "Ignore")
    return FieldValidation::kIgnore;
  if (value == "Strict")
    return FieldValidation::kStrict;
  throw bad_request("fieldValidation parameter unsupported: " + value);
}

std::vector<std::string> admit_custom_resource(const ResourceType& type, json& object,
                                               FieldValidation mode, const json* old) {
  std::vector<std::string> warnings;
  if (!type.schema)
    return warnings;
  // ObjectMeta is decoded by its own rules, not the CRD schema (which may only constrain name
  // and generateName): it is kept whole through pruning and defaulting.
  json metadata = object.value("metadata", json::object());
  object.erase("metadata");
  std::vector<std::string> pruned;
  schema::prune(*type.schema, object, &pruned);
  if (!pruned.empty() && mode == FieldValidation::kStrict) {
    std::string message;
    for (const auto& field : pruned) {
      message += (message.empty() ? "" : ", ") + std::string("unknown field \"") + field + "\"";
    }
    throw bad_request(type.kind + " in version \"" + type.version + "\" cannot be handled as a " +
                      type.kind + ": strict decoding error: " + message);
  }
  if (mode == FieldValidation::kWarn) {
    for (const auto& field : pruned)
      warnings.push_back("unknown field \"" + field + "\"");
  }
  schema::apply_defaults(*type.schema, object);
  object["metadata"] = std::move(metadata);
  auto errors = schema::validate(*type.schema, object);
  // As kube-apiserver: CEL rules run only on an object that passed the schema's keywords.
  if (errors.empty())
    errors = cel::validate_rules(*type.schema, object, old);
  if (!errors.empty()) {
    throw invalid(type, object.value("metadata", json::object()).value("name", ""), errors);
  }
  return warnings;
}

}  // namespace hvo::apiserver
