#include "tools/apiserver-lite/patch/server_side_apply.h"

#include <map>
#include <optional>
#include <set>
#include <vector>

#include "tools/apiserver-lite/patch/field_set.h"
#include "tools/apiserver-lite/patch/managed_fields.h"

namespace hvo::apiserver {

using nlohmann::json;

namespace {

// Metadata fields apply manages; the rest of metadata belongs to the server.
bool managed_metadata_field(const std::string& key) {
  return key == "labels" || key == "annotations" || key == "finalizers" || key == "ownerReferences";
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

bool covered_by(const FieldPath& path, const FieldSet& paths) {
  for (const auto& other : paths) {
    const std::size_t n = std::min(path.size(), other.size());
    if (std::equal(path.begin(), path.begin() + static_cast<long>(n), other.begin()))
      return true;
  }
  return false;
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
  json live_managed = result.contains("metadata") && result["metadata"].is_object()
                          ? result["metadata"].value("managedFields", json::array())
                          : json::array();
  if (!managed_fields_well_formed(live_managed))
    live_managed = json::array();  // as upstream reads it: no entries
  FieldSet previously_owned;
  json others = json::array();
  for (const auto& entry : live_managed) {
    const bool mine =
        entry.value("manager", "") == request.manager && entry.value("operation", "") == "Apply";
    if (mine)
      previously_owned = entry_fields(entry);
    else
      others.push_back(entry);
  }

  const FieldSet now_owned = object_fields(applied);

  // A field another manager owns conflicts when this apply gives it a different value (the
  // longer of the two paths is compared: an atomic value replacing owned sub-fields differs).
  std::vector<ApplyConflict> conflicts;
  std::map<std::size_t, FieldSet> taken_over;  // index in `others` -> its paths
  for (std::size_t i = 0; i < others.size(); ++i) {
    for (const auto& owned : entry_fields(others[i])) {
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

  FieldSet owned_by_others;
  json kept_entries = json::array();
  for (std::size_t i = 0; i < others.size(); ++i) {
    auto paths = entry_fields(others[i]);
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
  sort_managed_fields(kept_entries);
  result["metadata"]["managedFields"] = kept_entries;
  return result;
}

}  // namespace hvo::apiserver
