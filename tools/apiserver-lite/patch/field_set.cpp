#include "tools/apiserver-lite/patch/field_set.h"

#include <algorithm>
#include <tuple>

namespace hvo::apiserver {

using nlohmann::json;

namespace {

// Metadata fields managers own; the rest of metadata belongs to the server.
bool managed_metadata_field(const std::string& key) {
  return key == "labels" || key == "annotations" || key == "finalizers" || key == "ownerReferences";
}

void collect_fields(const json& node, FieldPath& prefix, FieldSet& out) {
  if (!node.is_object() || node.empty()) {
    out.insert(prefix);
    return;
  }
  for (const auto& [key, value] : node.items()) {
    if (prefix.size() == 1 && prefix[0] == "metadata" && !managed_metadata_field(key))
      continue;
    if (prefix.empty() && (key == "apiVersion" || key == "kind"))
      continue;
    prefix.push_back(key);
    collect_fields(value, prefix, out);
    prefix.pop_back();
  }
}

void from_fields_v1(const json& node, FieldPath& prefix, FieldSet& out) {
  bool has_children = false;
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (key.rfind("f:", 0) != 0)
        continue;
      has_children = true;
      prefix.push_back(key.substr(2));
      from_fields_v1(value, prefix, out);
      prefix.pop_back();
    }
  }
  if (!has_children && !prefix.empty())
    out.insert(prefix);
}

}  // namespace

FieldSet object_fields(const json& object) {
  FieldSet fields;
  if (!object.is_object())
    return fields;
  FieldPath prefix;
  collect_fields(object, prefix, fields);
  fields.erase(FieldPath{"metadata"});  // metadata with only server fields
  fields.erase(FieldPath{});            // an empty object
  return fields;
}

json to_fields_v1(const FieldSet& fields) {
  json tree = json::object();
  for (const auto& path : fields) {
    json* node = &tree;
    for (const auto& part : path)
      node = &(*node)["f:" + part];
    if (node->is_null())
      *node = json::object();
  }
  return tree;
}

FieldSet entry_fields(const json& entry) {
  FieldSet fields;
  FieldPath prefix;
  from_fields_v1(entry.value("fieldsV1", json::object()), prefix, fields);
  return fields;
}

bool overlaps(const FieldPath& a, const FieldPath& b) {
  const std::size_t n = std::min(a.size(), b.size());
  return std::equal(a.begin(), a.begin() + static_cast<long>(n), b.begin());
}

bool at_or_below(const FieldPath& path, const FieldPath& prefix) {
  return prefix.size() <= path.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

std::optional<json> value_at(const json& object, const FieldPath& path) {
  const json* node = &object;
  for (const auto& part : path) {
    if (!node->is_object() || !node->contains(part))
      return std::nullopt;
    node = &(*node)[part];
  }
  return *node;
}

std::string field_string(const FieldPath& path) {
  std::string out;
  for (const auto& part : path)
    out += "." + part;
  return out;
}

void sort_managed_fields(json& entries) {
  if (!entries.is_array())
    return;
  auto key = [](const json& entry) {
    // RFC 3339 times with second precision in UTC order as strings do.
    return std::make_tuple(entry.value("operation", ""), entry.value("time", ""),
                           entry.value("manager", ""), entry.value("apiVersion", ""),
                           entry.value("subresource", ""));
  };
  std::stable_sort(entries.begin(), entries.end(),
                   [&](const json& a, const json& b) { return key(a) < key(b); });
}

}  // namespace hvo::apiserver
