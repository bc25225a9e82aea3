#include "tools/apiserver-lite/registry/crd_types.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace hvo::apiserver {
namespace {

using nlohmann::json;

std::string string_at(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> strings_at(const json& object, const char* key) {
  std::vector<std::string> out;
  auto it = object.find(key);
  if (it == object.end() || !it->is_array())
    return out;
  for (const auto& item : *it) {
    if (item.is_string())
      out.push_back(item.get<std::string>());
  }
  return out;
}

schema::FieldError required(const std::string& field) {
  return {"FieldValueRequired", field, "Required value"};
}

schema::FieldError invalid(const std::string& field, const std::string& message) {
  return {"FieldValueInvalid", field, "Invalid value: " + message};
}

void validate_versions(const json& spec, std::vector<schema::FieldError>& errors) {
  const json versions = spec.value("versions", json::array());
  if (!versions.is_array() || versions.empty()) {
    errors.push_back(required("spec.versions"));
    return;
  }
  int storage_versions = 0;
  std::set<std::string> names;
  for (std::size_t i = 0; i < versions.size(); ++i) {
    const json& version = versions[i];
    const std::string path = "spec.versions[" + std::to_string(i) + "]";
    const std::string name = string_at(version, "name");
    if (name.empty())
      errors.push_back(required(path + ".name"));
    if (!names.insert(name).second) {
      errors.push_back(
          {"FieldValueDuplicate", path + ".name", "Duplicate value: \"" + name + "\""});
    }
    if (version.value("storage", false))
      ++storage_versions;
    const json schema = version.value("schema", json::object()).value("openAPIV3Schema", json());
    if (schema.is_null()) {
      errors.push_back(required(path + ".schema.openAPIV3Schema"));
      continue;
    }
    for (const auto& message : schema::check_structural(schema)) {
      errors.push_back(invalid(path + ".schema.openAPIV3Schema", message));
    }
  }
  if (storage_versions != 1) {
    errors.push_back(invalid("spec.versions", "must have exactly one version marked as storage"));
  }
}

std::vector<PrinterColumn> printer_columns(const json& version) {
  std::vector<PrinterColumn> columns;
  auto it = version.find("additionalPrinterColumns");
  if (it == version.end() || !it->is_array()) {
    // The server's default when a CRD declares none.
    PrinterColumn age;
    age.name = "Age";
    age.type = "date";
    age.json_path = ".metadata.creationTimestamp";
    columns.push_back(age);
    return columns;
  }
  for (const auto& spec : *it) {
    PrinterColumn column;
    column.name = string_at(spec, "name");
    column.type = string_at(spec, "type");
    column.format = string_at(spec, "format");
    column.description = string_at(spec, "description");
    column.json_path = string_at(spec, "jsonPath");
    column.priority = spec.value("priority", 0);
    columns.push_back(column);
  }
  return columns;
}

void set_condition(json& conditions, const std::string& type, const std::string& reason,
                   const std::string& message, const std::string& now) {
  for (auto& condition : conditions) {
    if (condition.value("type", "") != type)
      continue;
    if (condition.value("status", "") != "True")
      condition["lastTransitionTime"] = now;
    condition["status"] = "True";
    condition["reason"] = reason;
    condition["message"] = message;
    return;
  }
  conditions.push_back({{"type", type},
                        {"status", "True"},
                        {"lastTransitionTime", now},
                        {"reason", reason},
                        {"message", message}});
}

}  // namespace

std::vector<schema::FieldError> validate_crd(const json& crd) {
  std::vector<schema::FieldError> errors;
  const json spec = crd.value("spec", json::object());
  const json names = spec.value("names", json::object());
  const std::string group = string_at(spec, "group");
  const std::string plural = string_at(names, "plural");
  if (group.empty())
    errors.push_back(required("spec.group"));
  if (plural.empty())
    errors.push_back(required("spec.names.plural"));
  if (string_at(names, "kind").empty())
    errors.push_back(required("spec.names.kind"));
  const std::string scope = string_at(spec, "scope");
  if (scope != "Namespaced" && scope != "Cluster") {
    errors.push_back(
        {"FieldValueNotSupported", "spec.scope",
         "Unsupported value: \"" + scope + "\": supported values: \"Cluster\", \"Namespaced\""});
  }
  const std::string name = crd.value("metadata", json::object()).value("name", "");
  if (!plural.empty() && !group.empty() && name != plural + "." + group) {
    errors.push_back(
        invalid("metadata.name", "\"" + name + "\": must be spec.names.plural+\".\"+spec.group"));
  }
  validate_versions(spec, errors);
  return errors;
}

std::vector<ResourceType> crd_resource_types(const json& crd) {
  std::vector<ResourceType> types;
  const json spec = crd.value("spec", json::object());
  const json names = spec.value("names", json::object());
  for (const auto& version : spec.value("versions", json::array())) {
    if (!version.value("served", true))
      continue;
    ResourceType type;
    type.group = string_at(spec, "group");
    type.version = string_at(version, "name");
    type.kind = string_at(names, "kind");
    type.list_kind = string_at(names, "listKind");
    if (type.list_kind.empty())
      type.list_kind = type.kind + "List";
    type.plural = string_at(names, "plural");
    type.singular = string_at(names, "singular");
    if (type.singular.empty()) {
      type.singular = type.kind;
      for (auto& c : type.singular)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    type.short_names = strings_at(names, "shortNames");
    type.categories = strings_at(names, "categories");
    type.namespaced = string_at(spec, "scope") != "Cluster";
    const json subresources = version.value("subresources", json::object());
    type.status_subresource = subresources.contains("status");
    type.tracks_generation = true;
    type.storage_prefix = "/registry/" + type.group + "/" + type.plural;
    type.printer_columns = printer_columns(version);
    type.schema = version.value("schema", json::object()).value("openAPIV3Schema", json::object());
    type.custom = true;
    type.crd_name = crd.value("metadata", json::object()).value("name", "");
    types.push_back(std::move(type));
  }
  return types;
}

void set_crd_status(json& crd, const std::string& now) {
  json& status = crd["status"];
  if (!status.is_object())
    status = json::object();
  const json spec = crd.value("spec", json::object());
  status["acceptedNames"] = spec.value("names", json::object());
  json stored = status.value("storedVersions", json::array());
  for (const auto& version : spec.value("versions", json::array())) {
    if (!version.value("storage", false))
      continue;
    const std::string name = version.value("name", "");
    if (std::find(stored.begin(), stored.end(), name) == stored.end())
      stored.push_back(name);
  }
  status["storedVersions"] = stored;
  json conditions = status.value("conditions", json::array());
  set_condition(conditions, "NamesAccepted", "NoConflicts", "no conflicts found", now);
  set_condition(conditions, "Established", "InitialNamesAccepted",
                "the initial names have been accepted", now);
  status["conditions"] = conditions;
}

}  // namespace hvo::apiserver
