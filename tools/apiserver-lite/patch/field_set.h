// Field paths of an object as managedFields records them (FieldsV1: {"f:spec":{"f:size":{}}}).
// A simplification of structured-merge-diff's sets: only leaves are recorded (scalars, lists,
// which are atomic here, and empty objects), not the maps above them (no "." entries).
// Server-owned metadata (name, uid, resourceVersion, managedFields, ...) and apiVersion/kind
// are never part of a set; labels, annotations, finalizers and ownerReferences are.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hvo::apiserver {

using FieldPath = std::vector<std::string>;
using FieldSet = std::set<FieldPath>;

// The leaf paths of `object` that managers can own.
FieldSet object_fields(const nlohmann::json& object);
nlohmann::json to_fields_v1(const FieldSet& fields);
// The fields of one managedFields entry (its fieldsV1).
FieldSet entry_fields(const nlohmann::json& entry);

// One path is a prefix of (or equal to) the other.
bool overlaps(const FieldPath& a, const FieldPath& b);
// `prefix` is a prefix of, or equal to, `path`.
bool at_or_below(const FieldPath& path, const FieldPath& prefix);
std::optional<nlohmann::json> value_at(const nlohmann::json& object, const FieldPath& path);
// ".spec.size"
std::string field_string(const FieldPath& path);

// managedFields in upstream's order: by operation (Apply before Update), time, manager,
// apiVersion, subresource.
void sort_managed_fields(nlohmann::json& entries);

}  // namespace hvo::apiserver
