#include "tools/apiserver-lite/openapi/openapi_builder.h"

#include <functional>
#include <set>

#include "tools/apiserver-lite/discovery/discovery.h"
#include "tools/apiserver-lite/openapi/object_meta_schema.h"

namespace hvo::apiserver {

using nlohmann::json;

namespace {

// Where a document's schemas live and how references to them are spelled.
struct Dialect {
  bool v3 = true;
  std::string ref(const std::string& name) const {
    return (v3 ? "#/components/schemas/" : "#/definitions/") + name;
  }
};

std::string group_version_path(const ResourceType& type) {
  return type.group.empty() ? "api/" + type.version : "apis/" + type.group + "/" + type.version;
}

// "io.operator.hyperv.v1alpha1.VirtualMachine": the reversed group, as upstream names CR models.
std::string definition_name(const ResourceType& type) {
  if (type.group.empty())
    return "io.k8s.api.core." + type.version + "." + type.kind;
  std::vector<std::string> parts;
  std::string part;
  for (char c : type.group) {
    if (c == '.') {
      parts.push_back(part);
      part.clear();
    } else {
      part += c;
    }
  }
  parts.push_back(part);
  std::string name;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it)
    name += *it + ".";
  return name + type.version + "." + type.kind;
}

json gvk(const ResourceType& type) {
  return {{"group", type.group}, {"version", type.version}, {"kind", type.kind}};
}

json type_schema(const ResourceType& type, const Dialect& dialect) {
  json schema = type.schema
                    ? *type.schema
                    : json{{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}};
  if (!schema.contains("description"))
    schema["description"] = type.kind + " (" + type.api_version() + ")";
  schema["properties"]["apiVersion"] = {
      {"type", "string"},
      {"description",
       "APIVersion defines the versioned schema of this representation of an "
       "object."}};
  schema["properties"]["kind"] = {
      {"type", "string"},
      {"description",
       "Kind is a string value representing the REST resource this object "
       "represents."}};
  schema["properties"]["metadata"] = {
      {"allOf", json::array({{{"$ref", dialect.ref(kObjectMetaName)}}})},
      {"description", "Standard object's metadata."}};
  schema["x-kubernetes-group-version-kind"] = json::array({gvk(type)});
  return schema;
}

json query_parameter(const char* name, const char* description, const Dialect& dialect) {
  json parameter = {{"name", name}, {"in", "query"}, {"description", description}};
  if (dialect.v3) {
    parameter["schema"] = {{"type", "string"}, {"uniqueItems", true}};
  } else {
    parameter["type"] = "string";
    parameter["uniqueItems"] = true;
  }
  return parameter;
}

json operation(const ResourceType& type, const std::string& verb, const std::string& action,
               bool write, const Dialect& dialect) {
  json op = {{"operationId", verb + type.kind},
             {"x-kubernetes-action", action},
             {"x-kubernetes-group-version-kind", gvk(type)},
             {"tags", json::array({type.group.empty() ? "core_" + type.version
                                                      : type.group + "_" + type.version})}};
  json parameters = json::array();
  if (write) {
    parameters.push_back(
        query_parameter("dryRun", "When present, changes are not persisted.", dialect));
    parameters.push_back(
        query_parameter("fieldManager", "The name of the actor making the change.", dialect));
    parameters.push_back(query_parameter(
        "fieldValidation",
        "How the server treats unknown or duplicate fields: Ignore, Warn (default) or Strict.",
        dialect));
  }
  op["parameters"] = parameters;
  const std::string ref = action == "list" ? "" : dialect.ref(definition_name(type));
  json ok_schema = ref.empty() ? json{{"type", "object"}} : json{{"$ref", ref}};
  if (dialect.v3) {
    op["responses"] = {
        {"200",
         {{"description", "OK"}, {"content", {{"application/json", {{"schema", ok_schema}}}}}}}};
    if (write && action != "delete") {
      op["requestBody"] = {
          {"content", {{"*/*", {{"schema", {{"$ref", dialect.ref(definition_name(type))}}}}}}}};
    }
  } else {
    op["responses"] = {{"200", {{"description", "OK"}, {"schema", ok_schema}}}};
  }
  return op;
}

void add_paths(const ResourceType& type, const Dialect& dialect, json& paths) {
  std::string base = "/" + group_version_path(type);
  if (type.namespaced) {
    // The list across namespaces, as upstream serves it. kubectl 1.27's explain finds a
    // resource's GVK only on this path's get operation.
    json list = operation(type, "list", "list", false, dialect);
    list["operationId"] = "list" + type.kind + "ForAllNamespaces";
    paths[base + "/" + type.plural] = {{"get", list}};
    base += "/namespaces/{namespace}";
  }
  base += "/" + type.plural;
  paths[base] = {{"get", operation(type, "list", "list", false, dialect)},
                 {"post", operation(type, "create", "post", true, dialect)}};
  paths[base + "/{name}"] = {{"get", operation(type, "read", "get", false, dialect)},
                             {"put", operation(type, "replace", "put", true, dialect)},
                             {"patch", operation(type, "patch", "patch", true, dialect)},
                             {"delete", operation(type, "delete", "delete", true, dialect)}};
  if (type.status_subresource) {
    paths[base + "/{name}/status"] = {{"get", operation(type, "read", "get", false, dialect)},
                                      {"put", operation(type, "replace", "put", true, dialect)},
                                      {"patch", operation(type, "patch", "patch", true, dialect)}};
  }
}

json info() {
  return {{"title", "Kubernetes"}, {"version", kKubernetesVersion}};
}

}  // namespace

json openapi_v3_index(const std::vector<ResourceTypePtr>& types) {
  std::set<std::string> group_versions;
  for (const auto& type : types)
    group_versions.insert(group_version_path(*type));
  json paths = json::object();
  for (const auto& path : group_versions) {
    auto document = openapi_v3_document(types, path);
    const std::size_t hash = std::hash<std::string>{}(document ? document->dump() : "");
    paths[path] = {{"serverRelativeURL", "/openapi/v3/" + path + "?hash=" + std::to_string(hash)}};
  }
  return {{"paths", paths}};
}

std::optional<json> openapi_v3_document(const std::vector<ResourceTypePtr>& types,
                                        const std::string& path) {
  const Dialect dialect{true};
  json paths = json::object();
  json schemas = {{kObjectMetaName, object_meta_schema()}};
  for (const auto& type : types) {
    if (group_version_path(*type) != path)
      continue;
    add_paths(*type, dialect, paths);
    schemas[definition_name(*type)] = type_schema(*type, dialect);
  }
  if (paths.empty())
    return std::nullopt;
  return json{{"openapi", "3.0.0"},
              {"info", info()},
              {"paths", paths},
              {"components", {{"schemas", schemas}}}};
}

json openapi_v2_document(const std::vector<ResourceTypePtr>& types) {
  const Dialect dialect{false};
  json paths = json::object();
  json definitions = {{kObjectMetaName, object_meta_schema()}};
  for (const auto& type : types) {
    add_paths(*type, dialect, paths);
    definitions[definition_name(*type)] = type_schema(*type, dialect);
  }
  return {{"swagger", "2.0"}, {"info", info()}, {"paths", paths}, {"definitions", definitions}};
}

}  // namespace hvo::apiserver
