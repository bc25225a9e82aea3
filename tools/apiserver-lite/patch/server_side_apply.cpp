#include "tools/apiserver-lite/patch/server_side_apply.h"

#include <map>
#include <optional>
#include <set>
#include <vector>

namespace hvo::apiserver {

using nlohmann::json;

namespace {

using FieldPath = std::vector<std::string>;

// Metadata fields apply manages; the rest of metadata belongs to the server.
bool managed_metadata_field(const std::string& key) {
  return key == "labels" || key == "annotations" || key == "finalizers" || key == "ownerReferences";
}

// Leaf paths of the applied object: scalars, lists and empty objects are leaves.
void collect_paths(const json& node, FieldPath& prefix, std::set<FieldPath>& out) {
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
    collect_paths(value, prefix, out);
    prefix.pop_back();
  }
}

std::set<FieldPath> applied_paths(const json& applied) {
  std::set<FieldPath> paths;
  FieldPath prefix;
  collect_paths(applied, prefix, paths);
  paths.erase(FieldPath{"metadata"});
  return paths;
}

json to_fields_v1(const std::set<FieldPath>& paths) {
  json tree = json::object();
  for (const auto& path : paths) {
    json* node = &tree;
    for (const auto& part : path)
      node = &(*node)["f:" + part];
  }
  return tree;
}

void from_fields_v1(const json& node, FieldPath& prefix, std::set<FieldPath>& out) {
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

std::set<FieldPath> owned_paths(const json& entry) {
  std::set<FieldPath> paths;
  FieldPath prefix;
  from_fields_v1(entry.value("fieldsV1", json::object()), prefix, paths);
  return paths;
}

void deep_merge(json& target, const json& source) {
  if (!target.is_object() || !source.is_object()) {
    target = source;
    return;
  }
  for (const auto& [key, value] : source.items()) {
    if (value.is_object() && target.contains(key) && target[key].is_object()) {
      deep_merge(target[key], value);
    } else {
      target[key] = value;
    }
  }
}

void remove_path(json& object, const FieldPath& path) {
  json* node = &object;
  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    if (!node->is_object() || !node->contains(path[i]))
      return;
    node = &(*node)[path[i]];
  }
  if (node->is_object())
    node->erase(path.back());
}

bool covered_by(const FieldPath& path, const std::set<FieldPath>& paths) {
  for (const auto& other : paths) {
    const std::size_t n = std::min(path.size(), other.size());
    if (std::equal(path.begin(), path.begin() + static_cast<long>(n), other.begin()))
      return true;
  }
  return false;
}

bool overlaps(const FieldPath& a, const FieldPath& b) {
  const std::size_t n = std::min(a.size(), b.size());
  return std::equal(a.begin(), a.begin() + static_cast<long>(n), b.begin());
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

std::string conflicts_message(const std::vector<ApplyConflict>& conflicts) {
  std::string message = "Apply failed with " + std::to_string(conflicts.size()) +
                        (conflicts.size() == 1 ? " conflict:" : " conflicts:");
  for (const auto& conflict : conflicts)
    message += " conflict with \"" + conflict.manager + "\": " + conflict.field + ";";
  message.pop_back();
  return message;
}

}  // namespace

ApplyConflicts::ApplyConflicts(std::vector<ApplyConflict> conflicts)
    : std::runtime_error(conflicts_message(conflicts)), conflicts_(std::move(conflicts)) {}

json server_side_apply(const json& live, const json& applied, const ApplyRequest& request) {
  json result = live.is_object() ? live : json::object();
  const json live_managed = result.contains("metadata")
                                ? result["metadata"].value("managedFields", json::array())
                                : json::array();
  std::set<FieldPath> previously_owned;
  json others = json::array();
  for (const auto& entry : live_managed) {
    const bool mine =
        entry.value("manager", "") == request.manager && entry.value("operation", "") == "Apply";
    if (mine)
      previously_owned = owned_paths(entry);
    else
      others.push_back(entry);
  }

  const std::set<FieldPath> now_owned = applied_paths(applied);

  // A field another manager owns conflicts when this apply gives it a different value (the
  // longer of the two paths is compared: an atomic value replacing owned sub-fields differs).
  std::vector<ApplyConflict> conflicts;
  std::map<std::size_t, std::set<FieldPath>> taken_over;  // index in `others` -> its paths
  for (std::size_t i = 0; i < others.size(); ++i) {
    for (const auto& owned : owned_paths(others[i])) {
      for (const auto& path : now_owned) {
        if (!overlaps(owned, path))
          continue;
        // An (empty) object applied above an owned field claims nothing below it.
        if (path.size() < owned.size() && value_at(applied, path).value_or(json()).is_object())
          continue;
        const FieldPath& longer = owned.size() >= path.size() ? owned : path;
        if (value_at(result, longer) == value_at(applied, longer))
          continue;
        conflicts.push_back({others[i].value("manager", ""), field_string(owned)});
        taken_over[i].insert(owned);
        break;
      }
    }
  }
  if (!conflicts.empty() && !request.force)
    throw ApplyConflicts(std::move(conflicts));

  std::set<FieldPath> owned_by_others;
  json kept_entries = json::array();
  for (std::size_t i = 0; i < others.size(); ++i) {
    auto paths = owned_paths(others[i]);
    json entry = others[i];
    if (auto it = taken_over.find(i); it != taken_over.end()) {
      for (const auto& path : it->second)
        paths.erase(path);
      if (paths.empty())
        continue;  // a manager that owns nothing any more leaves managedFields
      entry["fieldsV1"] = to_fields_v1(paths);
    }
    owned_by_others.insert(paths.begin(), paths.end());
    kept_entries.push_back(std::move(entry));
  }
  json merged_source = applied;
  if (merged_source.contains("metadata")) {
    json metadata = json::object();
    for (const auto& [key, value] : merged_source["metadata"].items()) {
      if (managed_metadata_field(key))
        metadata[key] = value;
    }
    merged_source["metadata"] = metadata;
  }
  merged_source.erase("apiVersion");
  merged_source.erase("kind");
  deep_merge(result, merged_source);

  for (const auto& path : previously_owned) {
    if (covered_by(path, now_owned) || owned_by_others.count(path) > 0)
      continue;
    remove_path(result, path);
  }

  kept_entries.push_back({{"manager", request.manager},
                          {"operation", "Apply"},
                          {"apiVersion", request.api_version},
                          {"time", request.now},
                          {"fieldsType", "FieldsV1"},
                          {"fieldsV1", to_fields_v1(now_owned)}});
  result["metadata"]["managedFields"] = kept_entries;
  return result;
}

}  // namespace hvo::apiserver
