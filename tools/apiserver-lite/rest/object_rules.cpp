#include "tools/apiserver-lite/rest/object_rules.h"

#include <algorithm>

#include "api/k8s/names.h"
#include "tools/apiserver-lite/rest/api_error.h"

namespace hvo::apiserver {

using nlohmann::json;

namespace {

bool is_path_segment(const std::string& name) {
  return name != "." && name != ".." && name.find_first_of("/%") == std::string::npos;
}

bool is_rbac(const ResourceType& type) {
  return type.group == "rbac.authorization.k8s.io";
}

// Everything but metadata and status: what a generation counts.
json spec_part(const json& object) {
  json part = object;
  part.erase("metadata");
  part.erase("status");
  part.erase("apiVersion");
  part.erase("kind");
  return part;
}

void keep_field(const json& old_metadata, json& new_metadata, const char* field) {
  if (old_metadata.contains(field)) {
    new_metadata[field] = old_metadata[field];
  } else {
    new_metadata.erase(field);
  }
}

std::string random_name(const std::string& prefix, const std::string& suffix) {
  // generateName prefixes are truncated so the result stays within 63 characters.
  const std::size_t keep = std::min<std::size_t>(prefix.size(), 58);
  return prefix.substr(0, keep) + suffix;
}

}  // namespace

bool is_deleting(const json& object) {
  auto metadata = object.find("metadata");
  return metadata != object.end() && metadata->is_object() &&
         metadata->contains("deletionTimestamp") && !(*metadata)["deletionTimestamp"].is_null();
}

std::vector<std::string> finalizers_of(const json& object) {
  std::vector<std::string> out;
  auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object())
    return out;
  auto list = metadata->find("finalizers");
  if (list == metadata->end() || !list->is_array())
    return out;
  for (const auto& item : *list) {
    if (item.is_string())
      out.push_back(item.get<std::string>());
  }
  return out;
}

std::vector<schema::FieldError> validate_name(const ResourceType& type, const std::string& name,
                                              const std::string& field) {
  if (name.empty()) {
    return {{"FieldValueRequired", field, "Required value: name or generateName is required"}};
  }
  std::vector<std::string> problems;
  if (type.plural == "namespaces" && type.group.empty()) {
    problems = k8s::check_dns1123_label(name);
  } else if (is_rbac(type)) {
    if (!is_path_segment(name))
      problems.push_back("may not contain '/' or '%'");
  } else {
    problems = k8s::check_dns1123_subdomain(name);
  }
  std::vector<schema::FieldError> errors;
  for (const auto& problem : problems) {
    errors.push_back({"FieldValueInvalid", field, "Invalid value: \"" + name + "\": " + problem});
  }
  return errors;
}

void prepare_for_create(const ResourceType& type, json& object, const CreateContext& context) {
  if (!object.contains("metadata") || !object["metadata"].is_object()) {
    object["metadata"] = json::object();
  }
  json& metadata = object["metadata"];
  std::string name = metadata.value("name", "");
  const std::string generate_name = metadata.value("generateName", "");
  if (name.empty() && !generate_name.empty())
    name = random_name(generate_name, context.name_suffix);
  std::vector<schema::FieldError> errors = validate_name(type, name);
  if (type.namespaced) {
    const std::string body_ns = metadata.value("namespace", "");
    if (!body_ns.empty() && !context.path_namespace.empty() && body_ns != context.path_namespace) {
      throw bad_request(
          "the namespace of the provided object does not match the namespace sent "
          "on the request");
    }
    metadata["namespace"] = context.path_namespace.empty() ? body_ns : context.path_namespace;
    if (metadata["namespace"].get<std::string>().empty()) {
      errors.push_back({"FieldValueRequired", "metadata.namespace", "Required value"});
    }
  } else {
    metadata.erase("namespace");
  }
  if (!errors.empty())
    throw invalid(type, name, errors);
  metadata["name"] = name;
  metadata["uid"] = context.uid;
  metadata["creationTimestamp"] = context.now;
  for (const char* field : {"resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds",
                            "selfLink", "generation"}) {
    metadata.erase(field);
  }
  if (type.tracks_generation)
    metadata["generation"] = 1;
  if (type.status_subresource)
    object.erase("status");
  object["apiVersion"] = type.api_version();
  object["kind"] = type.kind;
}

void prepare_for_update(const ResourceType& type, const json& old, json& updated) {
  const json& old_metadata = old.at("metadata");
  if (!updated.contains("metadata") || !updated["metadata"].is_object()) {
    updated["metadata"] = json::object();
  }
  json& metadata = updated["metadata"];
  for (const char* field : {"uid", "creationTimestamp", "deletionTimestamp",
                            "deletionGracePeriodSeconds", "generation", "namespace"}) {
    keep_field(old_metadata, metadata, field);
  }
  if (type.status_subresource) {
    if (old.contains("status")) {
      updated["status"] = old["status"];
    } else {
      updated.erase("status");
    }
  }
  if (is_deleting(old)) {
    const auto before = finalizers_of(old);
    for (const auto& finalizer : finalizers_of(updated)) {
      if (std::find(before.begin(), before.end(), finalizer) == before.end()) {
        throw invalid(type, metadata.value("name", ""),
                      {{"FieldValueForbidden", "metadata.finalizers",
                        "Forbidden: no new finalizers can be added if the object is being "
                        "deleted, found new finalizers [\"" +
                            finalizer + "\"]"}});
      }
    }
  }
  updated["apiVersion"] = type.api_version();
  updated["kind"] = type.kind;
  if (type.tracks_generation && spec_part(old) != spec_part(updated)) {
    metadata["generation"] = old_metadata.value("generation", int64_t{0}) + 1;
  }
}

json prepare_for_status_update(const json& old, const json& updated) {
  json result = old;
  if (updated.contains("status")) {
    result["status"] = updated["status"];
  } else {
    result.erase("status");
  }
  return result;
}

}  // namespace hvo::apiserver
