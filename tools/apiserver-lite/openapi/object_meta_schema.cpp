#include "tools/apiserver-lite/openapi/object_meta_schema.h"

namespace hvo::apiserver {

using nlohmann::json;

namespace {

json string_field(const char* description, const char* format = nullptr) {
  json field = {{"type", "string"}, {"description", description}};
  if (format != nullptr)
    field["format"] = format;
  return field;
}

json string_map(const char* description) {
  return {{"type", "object"},
          {"description", description},
          {"additionalProperties", {{"type", "string"}, {"default", ""}}}};
}

}  // namespace

json object_meta_schema() {
  json properties = {
      {"name", string_field("Name must be unique within a namespace.")},
      {"generateName", string_field("An optional prefix the server uses to generate a unique "
                                    "name when name is not given.")},
      {"namespace", string_field("The namespace the object lives in; empty for cluster-scoped "
                                 "objects.")},
      {"uid", string_field("The unique identifier of this object in time and space, set by "
                           "the server on create.")},
      {"resourceVersion", string_field("An opaque value that changes on every write; used for "
                                       "optimistic concurrency, watches and caches.")},
      {"generation",
       {{"type", "integer"},
        {"format", "int64"},
        {"description", "A sequence number for changes to the desired state."}}},
      {"creationTimestamp", string_field("When the object was created.", "date-time")},
      {"deletionTimestamp", string_field("When the object will be deleted (set by a delete "
                                         "while finalizers remain).",
                                         "date-time")},
      {"deletionGracePeriodSeconds", {{"type", "integer"}, {"format", "int64"}}},
      {"labels", string_map("Map of string keys and values for organizing and selecting "
                            "objects.")},
      {"annotations", string_map("Unstructured key value map stored with the object.")},
      {"finalizers",
       {{"type", "array"},
        {"description",
         "Must be empty before the object is deleted from the "
         "registry."},
        {"items", {{"type", "string"}, {"default", ""}}},
        {"x-kubernetes-list-type", "set"}}},
      {"ownerReferences",
       {{"type", "array"},
        {"description", "Objects this object depends on."},
        {"items", {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}}}}},
      {"managedFields",
       {{"type", "array"},
        {"description", "Which managers own which fields (server-side apply)."},
        {"items", {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}}}}}};
  return {{"type", "object"},
          {"description",
           "ObjectMeta is metadata that all persisted resources must have, which "
           "includes all objects users must create."},
          {"properties", properties}};
}

}  // namespace hvo::apiserver
