// The checks apiextensions-apiserver runs on a CRD's openAPIV3Schema before accepting it: the
// schema must be structural (every node typed, logical junctors only restate value validations,
// no properties next to additionalProperties, root metadata limited to name/generateName), use
// no unsupported keywords, describe list and map types consistently, and carry defaults that are
// valid against their own schema. Paths look like the API server's:
// "properties[spec].properties[cpu].type: Required value: must not be empty for specified object
// fields".
#include <set>
#include <string>
#include <vector>

#include "api/schema/field_errors.h"
#include "api/schema/schema_node.h"
#include "api/schema/structural_schema.h"

namespace hvo::schema {
namespace {

using nlohmann::json;

std::string join(const std::string& path, const std::string& child) {
  return path.empty() ? child : path + "." + child;
}

bool is_scalar_type(const std::string& type) {
  return type == "string" || type == "integer" || type == "number" || type == "boolean";
}

class StructuralChecker {
 public:
  std::vector<std::string> run(const json& root) {
    if (!root.is_object()) {
      problems_.push_back("openAPIV3Schema: Required value: must be an object");
      return problems_;
    }
    if (string_keyword(root, "type") != "object") {
      problems_.push_back("type: Invalid value: " + quote(string_keyword(root, "type")) +
                          ": must be object at the root");
    }
    check_root_metadata(root);
    node(root, "", false);
    return problems_;
  }

 private:
  void add(const std::string& path, const std::string& message) {
    problems_.push_back((path.empty() ? "" : path + ": ") + message);
  }

  void check_root_metadata(const json& root) {
    const json* metadata = property_schema(root, "metadata");
    if (!metadata)
      return;
    const std::string path = "properties[metadata]";
    if (string_keyword(*metadata, "type") != "object") {
      add(join(path, "type"), "Unsupported value: " + quote(string_keyword(*metadata, "type")) +
                                  ": supported values: \"object\"");
    }
    for (auto it = metadata->begin(); it != metadata->end(); ++it) {
      if (it.key() == "type")
        continue;
      if (it.key() == "properties" && it->is_object()) {
        for (auto p = it->begin(); p != it->end(); ++p) {
          if (p.key() != "name" && p.key() != "generateName") {
            add(join(path, "properties[" + p.key() + "]"),
                "Forbidden: must not specify anything other than name and generateName, but "
                "metadata is implicitly specified");
          }
        }
        continue;
      }
      if (it.key() == "description")
        continue;
      add(join(path, it.key()),
          "Forbidden: must not specify anything other than name and generateName, but metadata "
          "is implicitly specified");
    }
  }

  // One schema node reachable as a value (property, items, additionalProperties).
  void node(const json& schema, const std::string& path, bool inside_junctor) {
    if (!schema.is_object()) {
      add(path, "Invalid value: must be a schema object");
      return;
    }
    check_forbidden_keywords(schema, path);
    const std::string type = string_keyword(schema, "type");
    const bool int_or_string = flag(schema, "x-kubernetes-int-or-string");
    const bool preserve = flag(schema, "x-kubernetes-preserve-unknown-fields");
    if (!inside_junctor) {
      if (type.empty() && !int_or_string && !preserve) {
        add(join(path, "type"), "Required value: must not be empty for specified object fields");
      }
      if (int_or_string && !type.empty()) {
        add(join(path, "type"), "Invalid value: " + quote(type) +
                                    ": must be empty if x-kubernetes-int-or-string is true");
      }
    }
    check_extension_values(schema, path, type);
    check_list_type(schema, path, type);
    if (schema.contains("properties") && schema.contains("additionalProperties")) {
      add(join(path, "additionalProperties"),
          "Forbidden: additionalProperties and properties are mutual exclusive");
    }
    if (auto additional = schema.find("additionalProperties");
        additional != schema.end() && additional->is_boolean() && !additional->get<bool>()) {
      add(join(path, "additionalProperties"), "Forbidden: must not be false");
    }
    if (flag(schema, "uniqueItems")) {
      add(join(path, "uniqueItems"),
          "Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes "
          "quadratic");
    }
    if (type == "array" && !inside_junctor && !sub_schema(schema, "items")) {
      add(join(path, "items"), "Required value: must be specified");
    }
    check_default(schema, path);
    children(schema, path, inside_junctor);
    junctors(schema, path);
  }

  void check_forbidden_keywords(const json& schema, const std::string& path) {
    static const char* const kUnsupported[] = {
        "$ref",           "$schema", "id", "definitions", "dependencies", "patternProperties",
        "additionalItems"};
    for (const char* key : kUnsupported) {
      if (schema.contains(key))
        add(join(path, key), "Forbidden: " + std::string(key) + " is not supported");
    }
  }

  void check_extension_values(const json& schema, const std::string& path,
                              const std::string& type) {
    if (auto it = schema.find("x-kubernetes-preserve-unknown-fields");
        it != schema.end() && !(it->is_boolean() && it->get<bool>())) {
      add(join(path, "x-kubernetes-preserve-unknown-fields"),
          "Invalid value: " + it->dump() + ": must be true or undefined");
    }
    if (flag(schema, "x-kubernetes-embedded-resource")) {
      if (type != "object") {
        add(join(path, "type"), "Invalid value: " + quote(type) +
                                    ": must be object if x-kubernetes-embedded-resource is true");
      }
      if (!schema.contains("properties") && !flag(schema, "x-kubernetes-preserve-unknown-fields")) {
        add(join(path, "properties"),
            "Required value: must not be empty if x-kubernetes-embedded-resource is true without "
            "x-kubernetes-preserve-unknown-fields");
      }
    }
    if (schema.contains("x-kubernetes-map-type")) {
      const std::string map_type = string_keyword(schema, "x-kubernetes-map-type");
      if (map_type != "granular" && map_type != "atomic") {
        add(join(path, "x-kubernetes-map-type"),
            "Unsupported value: " + quote(map_type) +
                ": supported values: \"atomic\", \"granular\"");
      } else if (type != "object") {
        add(join(path, "type"), "Invalid value: " + quote(type) +
                                    ": must be object if x-kubernetes-map-type is specified");
      }
    }
  }

  void check_list_type(const json& schema, const std::string& path, const std::string& type) {
    const bool has_keys = schema.contains("x-kubernetes-list-map-keys");
    if (!schema.contains("x-kubernetes-list-type")) {
      if (has_keys) {
        add(join(path, "x-kubernetes-list-type"),
            "Required value: must be map if x-kubernetes-list-map-keys is non-empty");
      }
      return;
    }
    const std::string list_type = string_keyword(schema, "x-kubernetes-list-type");
    const std::string at = join(path, "x-kubernetes-list-type");
    if (list_type != "atomic" && list_type != "set" && list_type != "map") {
      add(at, "Unsupported value: " + quote(list_type) +
                  ": supported values: \"atomic\", \"set\", \"map\"");
      return;
    }
    if (type != "array") {
      add(join(path, "type"), "Invalid value: " + quote(type) +
                                  ": must be array if x-kubernetes-list-type is specified");
      return;
    }
    const json* items = sub_schema(schema, "items");
    const std::string item_type = items ? string_keyword(*items, "type") : "";
    if (list_type == "set" && items && !is_scalar_type(item_type) &&
        !flag(*items, "x-kubernetes-int-or-string") &&
        string_keyword(*items, "x-kubernetes-map-type") != "atomic") {
      add(join(path, "items.type"), "Invalid value: " + quote(item_type) +
                                        ": must be a scalar type if x-kubernetes-list-type is set");
    }
    if (list_type == "map")
      check_list_map(schema, path, items, item_type);
    else if (has_keys) {
      add(at, "Invalid value: " + quote(list_type) +
                  ": must be map if x-kubernetes-list-map-keys is non-empty");
    }
  }

  void check_list_map(const json& schema, const std::string& path, const json* items,
                      const std::string& item_type) {
    auto keys = schema.find("x-kubernetes-list-map-keys");
    if (keys == schema.end() || !keys->is_array() || keys->empty()) {
      add(join(path, "x-kubernetes-list-map-keys"),
          "Required value: must not be empty if x-kubernetes-list-type is map");
      return;
    }
    if (!items || item_type != "object") {
      add(join(path, "items.type"), "Invalid value: " + quote(item_type) +
                                        ": must be object if x-kubernetes-list-type is map");
      return;
    }
    std::set<std::string> required_keys;
    if (auto req = items->find("required"); req != items->end() && req->is_array()) {
      for (const json& r : *req) {
        if (r.is_string())
          required_keys.insert(r.get<std::string>());
      }
    }
    for (const json& key : *keys) {
      const std::string name = key.is_string() ? key.get<std::string>() : key.dump();
      const json* prop = key.is_string() ? property_schema(*items, name) : nullptr;
      const std::string at = join(path, "items.properties[" + name + "]");
      if (!prop) {
        add(at,
            "Required value: entries of x-kubernetes-list-map-keys must be properties of the "
            "items");
        continue;
      }
      if (!is_scalar_type(string_keyword(*prop, "type")) &&
          !flag(*prop, "x-kubernetes-int-or-string")) {
        add(join(at, "type"), "Invalid value: " + quote(string_keyword(*prop, "type")) +
                                  ": must be a scalar type if x-kubernetes-list-type is map");
      }
      if (!required_keys.count(name) && !prop->contains("default")) {
        add(at,
            "Required value: a x-kubernetes-list-map-keys entry must be required or have a "
            "default");
      }
    }
  }

  // A default must itself be valid: pruning must not change it and it must pass validation.
  void check_default(const json& schema, const std::string& path) {
    auto it = schema.find("default");
    if (it == schema.end())
      return;
    json pruned = *it;
    std::vector<std::string> removed;
    prune_nested(schema, pruned, &removed);
    for (const std::string& field : removed) {
      add(join(path, "default"),
          "Invalid value: must not have unknown fields, found " + quote(field));
    }
    json defaulted = *it;
    apply_defaults(schema, defaulted);
    for (const FieldError& error : validate(schema, defaulted, "")) {
      add(join(path, "default") + (error.field.empty() ? "" : "." + error.field), error.message);
    }
  }

  // prune() keeps apiVersion/kind/metadata at the root; a default is never a resource root.
  static void prune_nested(const json& schema, json& value, std::vector<std::string>* removed) {
    json wrapper = {{"v", value}};
    json wrapper_schema = {{"type", "object"}, {"properties", {{"v", schema}}}};
    prune(wrapper_schema, wrapper, removed);
    value = wrapper["v"];
    for (std::string& field : *removed)
      field = field.substr(field.size() > 1 ? 2 : 0);
  }

  void children(const json& schema, const std::string& path, bool inside_junctor) {
    if (auto props = schema.find("properties"); props != schema.end() && props->is_object()) {
      for (auto it = props->begin(); it != props->end(); ++it) {
        node(*it, join(path, "properties[" + it.key() + "]"), inside_junctor);
      }
    }
    if (const json* items = sub_schema(schema, "items")) {
      node(*items, join(path, "items"), inside_junctor);
    } else if (auto items_it = schema.find("items");
               items_it != schema.end() && items_it->is_array()) {
      add(join(path, "items"), "Forbidden: items must be a schema object and not an array");
    }
    if (const json* additional = sub_schema(schema, "additionalProperties")) {
      node(*additional, join(path, "additionalProperties"), inside_junctor);
    }
  }

  // Inside allOf/anyOf/oneOf/not only value validations may appear; the structure (types,
  // descriptions, defaults, extensions) must come from the node itself.
  void junctors(const json& schema, const std::string& path) {
    for (const char* junctor : {"allOf", "anyOf", "oneOf"}) {
      auto it = schema.find(junctor);
      if (it == schema.end())
        continue;
      if (!it->is_array()) {
        add(join(path, junctor), "Invalid value: must be a list of schemas");
        continue;
      }
      for (size_t i = 0; i < it->size(); ++i) {
        junctor_branch((*it)[i], join(path, std::string(junctor) + "[" + std::to_string(i) + "]"),
                       flag(schema, "x-kubernetes-int-or-string"));
      }
    }
    if (const json* negated = sub_schema(schema, "not")) {
      junctor_branch(*negated, join(path, "not"), false);
    }
  }

  void junctor_branch(const json& branch, const std::string& path, bool int_or_string_parent) {
    static const char* const kStructural[] = {"description",
                                              "default",
                                              "nullable",
                                              "additionalProperties",
                                              "x-kubernetes-preserve-unknown-fields",
                                              "x-kubernetes-embedded-resource",
                                              "x-kubernetes-int-or-string",
                                              "x-kubernetes-list-type",
                                              "x-kubernetes-list-map-keys",
                                              "x-kubernetes-map-type",
                                              "x-kubernetes-validations"};
    if (!branch.is_object()) {
      add(path, "Invalid value: must be a schema object");
      return;
    }
    for (const char* key : kStructural) {
      if (branch.contains(key))
        add(join(path, key), "Forbidden: must be empty to be structural");
    }
    // int-or-string nodes may spell out anyOf: [{type: integer}, {type: string}].
    if (branch.contains("type") && !int_or_string_parent) {
      add(join(path, "type"), "Forbidden: must be empty to be structural");
    }
    node(branch, path, true);
  }

  std::vector<std::string> problems_;
};

}  // namespace

std::vector<std::string> check_structural(const json& schema) {
  return StructuralChecker().run(schema);
}

}  // namespace hvo::schema
