// DELETE of one object and of a collection (deletecollection): objects with finalizers (and
// namespaces, whose content goes first) get a deletionTimestamp and stay until their finalizers
// are removed; others go at once (Status Success). DeleteOptions.preconditions (uid,
// resourceVersion) are honoured; dryRun=All answers the same without writing.
#include <spdlog/spdlog.h>

#include "tools/apiserver-lite/rest/api_error.h"
#include "tools/apiserver-lite/rest/dry_run.h"
#include "tools/apiserver-lite/rest/list_options.h"
#include "tools/apiserver-lite/rest/object_filter.h"
#include "tools/apiserver-lite/rest/object_rules.h"
#include "tools/apiserver-lite/rest/resource_handler.h"

namespace hvo::apiserver {

using nlohmann::json;

namespace {

using Preconditions = ResourceHandler::DeletePreconditions;

struct DeleteOptions {
  Preconditions preconditions;
  bool dry_run = false;
};

// DeleteOptions come in the body when there is one (JSON, or protobuf from client-go's typed
// clients), else from the query, as upstream reads them.
DeleteOptions parse_delete_options(const net::HttpRequest& request) {
  DeleteOptions out;
  if (request.body.empty()) {
    out.dry_run = dry_run_requested(request, "DeleteOptions");
    return out;
  }
  const bool protobuf =
      media_type(request.header("Content-Type")) == "application/vnd.kubernetes.protobuf";
  const json options =
      protobuf ? decode_object_body(request, true) : parse_body(request.body, false);
  if (!options.is_object())
    throw bad_request("DeleteOptions must be a JSON object");
  std::vector<std::string> dry_run;
  const json values = options.value("dryRun", json::array());
  if (values.is_array()) {
    for (const auto& value : values)
      dry_run.push_back(value.is_string() ? value.get<std::string>() : value.dump());
  }
  out.dry_run = dry_run_requested(dry_run, "DeleteOptions");
  const json preconditions = options.value("preconditions", json::object());
  if (!preconditions.is_object())
    return out;
  out.preconditions.uid = preconditions.value("uid", "");
  out.preconditions.resource_version = preconditions.value("resourceVersion", "");
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
  const DeleteOptions options = parse_delete_options(request.http);
  return json_response(200, delete_object(request, request.path.ns, request.path.name,
                                          options.preconditions, options.dry_run));
}

json ResourceHandler::delete_object(const ResourceRequest& request, const std::string& ns,
                                    const std::string& name, const Preconditions& preconditions,
                                    bool dry_run) {
  const auto& type = request.type;
  for (int attempt = 0; attempt < 16; ++attempt) {
    auto current = store_.get(type, ns, name);
    if (!current.ok())
      throw from_storage_error(current.error(), type, name);
    check_preconditions(type, name, preconditions, *current);
    const bool graceful = !finalizers_of(current->object).empty() || is_namespace(type);
    if (graceful) {
      if (is_deleting(current->object))
        return current->object;
      json marked = current->object;
      marked["metadata"]["deletionTimestamp"] = now_rfc3339();
      marked["metadata"]["deletionGracePeriodSeconds"] = 0;
      if (is_namespace(type))
        marked["status"]["phase"] = "Terminating";
      if (dry_run)
        return marked;
      auto written = store_.update(type, marked, current->mod_revision);
      if (!written.ok() && written.error().code() == ErrorCode::kConflict)
        continue;
      if (!written.ok())
        throw from_storage_error(written.error(), type, name);
      spdlog::info("object_deletion_started resource={} namespace={} name={}",
                   type.qualified_resource(), ns, name);
      if (on_namespace_terminating_ && is_namespace(type))
        on_namespace_terminating_(name);
      return written->object;
    }
    if (dry_run)
      return success_status(type, name, current->object["metadata"].value("uid", ""));
    auto removed = store_.remove(type, ns, name, current->mod_revision);
    if (!removed.ok() && removed.error().code() == ErrorCode::kConflict)
      continue;
    if (!removed.ok())
      throw from_storage_error(removed.error(), type, name);
    hooks_.after_delete(type, removed->object);
    return success_status(type, name, removed->object["metadata"].value("uid", ""));
  }
  throw conflict(type, name);
}

net::HttpResponse ResourceHandler::remove_collection(const ResourceRequest& request) {
  const auto& type = request.type;
  // As kube-apiserver: no deletecollection of namespaces, nor across all namespaces.
  if (is_namespace(type) || (type.namespaced && request.path.ns.empty()))
    throw method_not_supported(request.http.method, type.qualified_resource());
  const DeleteOptions delete_options = parse_delete_options(request.http);
  const bool dry_run = delete_options.dry_run;
  const auto options = parse_list_options(request.http);
  const auto filter = make_object_filter(type, request.path.ns, options);
  auto listed = store_.list(type, request.path.ns, "", 0, 0, filter);
  if (!listed.ok())
    throw from_storage_error(listed.error(), type, "");
  for (const auto& item : listed->items) {
    const json& metadata = item["metadata"];
    try {
      delete_object(request, metadata.value("namespace", ""), metadata.value("name", ""),
                    delete_options.preconditions, dry_run);
    } catch (const ApiError& error) {
      if (error.code() != 404)  // deleted meanwhile
        throw;
    }
  }
  spdlog::info("collection_deleted resource={} namespace={} count={} dry_run={}",
               type.qualified_resource(), request.path.ns, listed->items.size(), dry_run);
  // Upstream answers with the list it deleted from, as read before the deletes.
  json body = {{"kind", type.list_kind},
               {"apiVersion", type.api_version()},
               {"metadata", {{"resourceVersion", std::to_string(listed->revision)}}},
               {"items", std::move(listed->items)}};
  return json_response(200, body);
}

}  // namespace hvo::apiserver
