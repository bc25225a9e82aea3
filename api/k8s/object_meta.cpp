#include "api/k8s/object_meta.h"

#include <algorithm>

namespace hvo::k8s {

bool ObjectMeta::has_finalizer(std::string_view finalizer) const {
  return std::find(finalizers.begin(), finalizers.end(), finalizer) != finalizers.end();
}

bool ObjectMeta::add_finalizer(const std::string& finalizer) {
  if (has_finalizer(finalizer))
    return false;
  finalizers.push_back(finalizer);
  return true;
}

bool ObjectMeta::remove_finalizer(std::string_view finalizer) {
  const auto it = std::find(finalizers.begin(), finalizers.end(), finalizer);
  if (it == finalizers.end())
    return false;
  finalizers.erase(it);
  return true;
}

const OwnerReference* ObjectMeta::controller_reference() const {
  for (const OwnerReference& reference : owner_references) {
    if (reference.controller.value_or(false))
      return &reference;
  }
  return nullptr;
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, OwnerReference& out) {
  const ObjectReader reader(value, path, errors);
  reader.required("apiVersion", out.api_version);
  reader.required("kind", out.kind);
  reader.required("name", out.name);
  reader.required("uid", out.uid);
  reader.optional("controller", out.controller);
  reader.optional("blockOwnerDeletion", out.block_owner_deletion);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, ObjectMeta& out) {
  const ObjectReader reader(value, path, errors);
  reader.optional("name", out.name);
  reader.optional("generateName", out.generate_name);
  reader.optional("namespace", out.namespace_);
  reader.optional("uid", out.uid);
  reader.optional("resourceVersion", out.resource_version);
  reader.optional("generation", out.generation);
  reader.optional("creationTimestamp", out.creation_timestamp);
  reader.optional("deletionTimestamp", out.deletion_timestamp);
  reader.optional("deletionGracePeriodSeconds", out.deletion_grace_period_seconds);
  reader.optional("labels", out.labels);
  reader.optional("annotations", out.annotations);
  reader.optional("finalizers", out.finalizers);
  reader.optional("ownerReferences", out.owner_references);
  reader.optional("managedFields", out.managed_fields);
}

void encode(Json& target, const OwnerReference& reference) {
  ensure_object(target);
  target["apiVersion"] = reference.api_version;
  target["kind"] = reference.kind;
  target["name"] = reference.name;
  target["uid"] = reference.uid;
  put(target, "controller", reference.controller);
  put(target, "blockOwnerDeletion", reference.block_owner_deletion);
}

void encode(Json& target, const std::vector<OwnerReference>& references) {
  encode_keyed_list(target, references, "uid", [](const OwnerReference& r) { return r.uid; });
}

void encode(Json& target, const ObjectMeta& meta) {
  ensure_object(target);
  put(target, "name", meta.name);
  put(target, "generateName", meta.generate_name);
  put(target, "namespace", meta.namespace_);
  put(target, "uid", meta.uid);
  put(target, "resourceVersion", meta.resource_version);
  if (meta.generation != 0) {
    put(target, "generation", meta.generation);
  } else {
    target.erase("generation");
  }
  put(target, "creationTimestamp", meta.creation_timestamp);
  put(target, "deletionTimestamp", meta.deletion_timestamp);
  put(target, "deletionGracePeriodSeconds", meta.deletion_grace_period_seconds);
  put(target, "labels", meta.labels);
  put(target, "annotations", meta.annotations);
  put(target, "finalizers", meta.finalizers);
  put(target, "ownerReferences", meta.owner_references);
  if (meta.managed_fields.is_null()) {
    target.erase("managedFields");
  } else {
    target["managedFields"] = meta.managed_fields;
  }
}

}  // namespace hvo::k8s
