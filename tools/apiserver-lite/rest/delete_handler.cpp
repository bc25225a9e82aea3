// DELETE: objects with finalizers (and namespaces, whose content goes first) get a
// deletionTimestamp and stay until their finalizers are removed; others go at once (Status
// Success). DeleteOptions.preconditions (uid, resourceVersion) are honoured.
#include <spdlog/spdlog.h>

#include "tools/apiserver-lite/rest/api_error.h"
#include "tools/apiserver-lite/rest/object_rules.h"
#include "tools/apiserver-lite/rest/resource_handler.h"

namespace hvo::apiserver {

using nlohmann::json;

namespace {

struct Preconditions {
  std::string uid;
  std::string resource_version;
};

Preconditions parse_preconditions(const net::HttpRequest& request) {
  Preconditions out;
  if (request.body.empty())
    return out;
  // client-go's typed clients send DeleteOptions in protobuf; everything else sends JSON.
  const bool protobuf =
      media_type(request.header("Content-Type")) == "application/vnd.kubernetes.protobuf";
  const json options =
      protobuf ? decode_object_body(request, true) : parse_body(request.body, false);
  if (!options.is_object())
    throw bad_request("DeleteOptions must be a JSON object");
  const json preconditions = options.value("preconditions", json::object());
  if (!preconditions.is_object())
    return out;
  out.uid = preconditions.value("uid", "");
  out.resource_version = preconditions.value("resourceVersion", "");
  return out;
}

void check_preconditions(const ResourceType& type, const std::string& name,
                         const Preconditions& preconditions, const StoredObject& current) {
  const json& metadata = current.object["metadata"];
  if (!preconditions.uid.empty() && preconditions.uid != metadata.value("uid", "")) {
    throw ApiError(409, "Conflict",
                   "Precondition failed: UID in precondition: " + preconditions.uid +
                       ", UID in object meta: " + metadata.value("uid", ""),
                   json{{"name", name}, {"kind", type.plural}});
  }
  if (!preconditions.resource_version.empty() &&
      preconditions.resource_version != std::to_string(current.mod_revision)) {
    throw conflict(type, name);
  }
}

}  // namespace

net::HttpResponse ResourceHandler::remove(const ResourceRequest& request) {
  const auto& type = request.type;
  const std::string& name = request.path.name;
  const Preconditions preconditions = parse_preconditions(request.http);
  for (int attempt = 0; attempt < 16; ++attempt) {
    auto current = store_.get(type, request.path.ns, name);
    if (!current.ok())
      throw from_storage_error(current.error(), type, name);
    check_preconditions(type, name, preconditions, *current);
    const bool graceful = !finalizers_of(current->object).empty() || is_namespace(type);
    if (graceful) {
      if (is_deleting(current->object))
        return json_response(200, current->object);
      json marked = current->object;
      marked["metadata"]["deletionTimestamp"] = now_rfc3339();
      marked["metadata"]["deletionGracePeriodSeconds"] = 0;
      if (is_namespace(type))
        marked["status"]["phase"] = "Terminating";
      auto written = store_.update(type, marked, current->mod_revision);
      if (!written.ok() && written.error().code() == ErrorCode::kConflict)
        continue;
      if (!written.ok())
        throw from_storage_error(written.error(), type, name);
      spdlog::info("object_deletion_started resource={} namespace={} name={}",
                   type.qualified_resource(), request.path.ns, name);
      if (on_namespace_terminating_ && is_namespace(type))
        on_namespace_terminating_(name);
      return json_response(200, written->object);
    }
    auto removed = store_.remove(type, request.path.ns, name, current->mod_revision);
    if (!removed.ok() && removed.error().code() == ErrorCode::kConflict)
      continue;
    if (!removed.ok())
      throw from_storage_error(removed.error(), type, name);
    hooks_.after_delete(type, removed->object);
    return json_response(200,
                         success_status(type, name, removed->object["metadata"].value("uid", "")));
  }
  throw conflict(type, name);
}

}  // namespace hvo::apiserver
