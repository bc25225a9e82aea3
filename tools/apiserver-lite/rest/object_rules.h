// The generic registry's rules for object metadata, as pure functions over JSON: what create
// fills in (uid, creationTimestamp, generation, generateName), what an update may change
// (immutable fields, status kept, generation bumped on spec changes), what a /status write may
// change (status only), and name validation. Violations throw ApiError (422 / 403).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/schema/structural_schema.h"
#include "tools/apiserver-lite/registry/resource_type.h"

namespace hvo::apiserver {

struct CreateContext {
  std::string path_namespace;  // namespace from the URL ("" for cluster-scoped)
  std::string now;             // RFC 3339 timestamp, seconds
  std::string uid;             // a fresh UUID v4
  std::string name_suffix;     // 5 random characters for generateName
};

// Checks and completes `object` for a create. Throws ApiError.
void prepare_for_create(const ResourceType& type, nlohmann::json& object,
                        const CreateContext& context);

// Completes `updated` (a main-resource write) from the stored `old` object: immutable metadata
// kept, status kept when the type has a status subresource, generation bumped when anything
// outside metadata and status changed. Throws ApiError (422 for changed immutable fields, for a
// finalizer added while deleting).
void prepare_for_update(const ResourceType& type, const nlohmann::json& old,
                        nlohmann::json& updated);

// A /status write: the stored object with only `status` taken from `updated`.
nlohmann::json prepare_for_status_update(const nlohmann::json& old, const nlohmann::json& updated);

// Errors for metadata.name under the type's naming rule (DNS label for namespaces, DNS subdomain
// for the rest, path segment for RBAC objects).
std::vector<schema::FieldError> validate_name(const ResourceType& type, const std::string& name,
                                              const std::string& field = "metadata.name");

// True when the object carries metadata.deletionTimestamp.
bool is_deleting(const nlohmann::json& object);
// metadata.finalizers (empty when absent).
std::vector<std::string> finalizers_of(const nlohmann::json& object);

}  // namespace hvo::apiserver
