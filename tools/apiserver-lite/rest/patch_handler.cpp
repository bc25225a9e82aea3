// PATCH: JSON merge patch, JSON patch and server-side apply on the object or its /status.
// Strategic merge patch is refused for custom resources (415) and treated as a merge patch for
// built-ins (their maps merge the same way; list merge keys are not honoured).
#include "tools/apiserver-lite/patch/json_patches.h"
#include "tools/apiserver-lite/patch/server_side_apply.h"
#include "tools/apiserver-lite/rest/api_error.h"
#include "tools/apiserver-lite/rest/dry_run.h"
#include "tools/apiserver-lite/rest/list_options.h"
#include "tools/apiserver-lite/rest/object_rules.h"
#include "tools/apiserver-lite/rest/query_params.h"
#include "tools/apiserver-lite/rest/resource_handler.h"
#include "tools/apiserver-lite/rest/schema_admission.h"
#include "tools/apiserver-lite/storage/object_store.h"

namespace hvo::apiserver {

using nlohmann::json;

namespace {

enum class PatchKind { kMerge, kJson, kApply };

PatchKind patch_kind(const ResourceType& type, const std::string& content_type) {
  const std::string media = media_type(content_type);
  if (media == "application/merge-patch+json")
    return PatchKind::kMerge;
  if (media == "application/json-patch+json")
    return PatchKind::kJson;
  if (media == "application/apply-patch+yaml" || media == "application/apply-patch+json") {
    return PatchKind::kApply;
  }
  if (media == "application/strategic-merge-patch+json" && !type.custom)
    return PatchKind::kMerge;
  throw unsupported_media_type(media);
}

json apply_patch(PatchKind kind, const ResourceType& type, const std::string& name,
                 const json& current, const json& patch, const ApplyRequest& apply) {
  if (kind == PatchKind::kApply) {
    try {
      return server_side_apply(current, patch, apply);
    } catch (const ApplyConflicts& conflicts) {
      std::vector<FieldManagerConflict> causes;
      for (const auto& conflict : conflicts.conflicts())
        causes.push_back({conflict.manager, conflict.field});
      throw apply_conflict(type, name, conflicts.what(), causes);
    }
  }
  auto patched = kind == PatchKind::kMerge ? apply_merge_patch(current, patch)
                                           : apply_json_patch(current, patch);
  if (!patched.ok()) {
    throw invalid(type, name, {{"FieldValueInvalid", "", patched.error().message()}});
  }
  if (!patched->is_object()) {
    throw invalid(type, name, {{"FieldValueInvalid", "", "the patched object is not an object"}});
  }
  return std::move(patched).value();
}

}  // namespace

net::HttpResponse ResourceHandler::patch(const ResourceRequest& request) {
  const auto& type = request.type;
  const std::string& name = request.path.name;
  const bool dry_run = dry_run_requested(request.http, "PatchOptions");
  const PatchKind kind = patch_kind(type, request.http.header("Content-Type"));
  const json body = parse_body(request.http.body, kind == PatchKind::kApply);
  const QueryParams query(request.http);
  ApplyRequest apply{query.text("fieldManager"), type.api_version(), now_rfc3339(),
                     query.flag("force")};
  if (kind == PatchKind::kApply) {
    if (apply.manager.empty()) {
      throw invalid(
          type, name,
          {{"FieldValueRequired", "fieldManager", "Required value: is required for apply patch"}});
    }
    if (!body.is_object())
      throw bad_request("an apply patch must be an object");
  }
  // A resourceVersion in the patch is a precondition on the stored object.
  std::string precondition;
  if (body.is_object() && body.contains("metadata") && body["metadata"].is_object()) {
    precondition = body["metadata"].value("resourceVersion", "");
  }

  std::vector<std::string> warnings;
  auto mutate = [&](const StoredObject& current) -> std::optional<json> {
    if (!precondition.empty() && precondition != std::to_string(current.mod_revision)) {
      throw conflict(type, name);
    }
    json patched = apply_patch(kind, type, name, current.object, body, apply);
    patched["metadata"]["resourceVersion"] = std::to_string(current.mod_revision);
    patched["metadata"]["name"] = name;
    warnings.clear();
    json updated =
        prepare_update(request, current.object, patched, warnings, kind == PatchKind::kApply);
    if (request.admit_update)
      request.admit_update(&current.object, updated);
    return updated;
  };

  if (kind == PatchKind::kApply && request.path.subresource.empty()) {
    // Apply creates the object when it does not exist yet.
    auto existing = store_.get(type, request.path.ns, name);
    if (!existing.ok() && existing.error().code() == ErrorCode::kNotFound) {
      net::HttpRequest create_request = request.http;
      create_request.method = "POST";
      create_request.headers["Content-Type"] = "application/json";
      json object = server_side_apply(nullptr, body, apply);
      object["metadata"]["name"] = name;
      if (request.admit_update)
        request.admit_update(nullptr, object);
      create_request.body = object.dump();
      ResourceRequest as_create{create_request, request.path, type, request.type_ptr, {}};
      return create(as_create, /*applied=*/true);
    }
  }
  const json result = guaranteed_update(request, mutate, precondition.empty(), dry_run);
  return json_response(200, result, warnings);
}

}  // namespace hvo::apiserver
