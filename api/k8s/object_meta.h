// metav1.ObjectMeta and metav1.OwnerReference: the metadata every object carries.
// managedFields is kept as raw JSON: the operator never interprets it, only passes it on.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/k8s/field_error.h"
#include "api/k8s/json_codec.h"
#include "api/k8s/time.h"

namespace hvo::k8s {

struct OwnerReference {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string uid;
  std::optional<bool> controller;
  std::optional<bool> block_owner_deletion;
};

struct ObjectMeta {
  std::string name;
  std::string generate_name;
  std::string namespace_;  // empty for cluster-scoped objects
  std::string uid;
  std::string resource_version;
  std::int64_t generation = 0;
  std::optional<Time> creation_timestamp;
  std::optional<Time> deletion_timestamp;
  std::optional<std::int64_t> deletion_grace_period_seconds;
  StringMap labels;
  StringMap annotations;
  std::vector<std::string> finalizers;
  std::vector<OwnerReference> owner_references;
  Json managed_fields;  // null when absent

  // "namespace/name" for namespaced objects, "name" for cluster-scoped ones: the cache and
  // work-queue key, and how logs name an object.
  std::string key() const { return namespace_.empty() ? name : namespace_ + "/" + name; }

  bool is_being_deleted() const { return deletion_timestamp.has_value(); }
  bool has_finalizer(std::string_view finalizer) const;
  // Return whether the list changed.
  bool add_finalizer(const std::string& finalizer);
  bool remove_finalizer(std::string_view finalizer);

  // The owner reference with controller: true, or nullptr.
  const OwnerReference* controller_reference() const;
};

void decode(const Json& value, const std::string& path, FieldErrors& errors, OwnerReference& out);
void decode(const Json& value, const std::string& path, FieldErrors& errors, ObjectMeta& out);
void encode(Json& target, const OwnerReference& reference);
// Owner references overlay by uid.
void encode(Json& target, const std::vector<OwnerReference>& references);
void encode(Json& target, const ObjectMeta& meta);

}  // namespace hvo::k8s
