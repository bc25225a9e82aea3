#include "tools/apiserver-lite/rest/resource_handler.h"

#include <spdlog/spdlog.h>

#include "api/k8s/time.h"
#include "tools/apiserver-lite/patch/managed_fields.h"
#include "tools/apiserver-lite/rest/api_error.h"
#include "tools/apiserver-lite/rest/list_options.h"
#include "tools/apiserver-lite/rest/object_rules.h"
#include "tools/apiserver-lite/rest/query_params.h"
#include "tools/apiserver-lite/rest/schema_admission.h"
#include "tools/apiserver-lite/storage/key_layout.h"

namespace hvo::apiserver {

using nlohmann::json;

namespace {

constexpr int kMaxConflictRetries = 16;

bool is_status_request(const ResourceRequest& request) {
  return request.path.subresource == "status";
}

}  // namespace

UpdateManager update_manager(const ResourceRequest& request) {
  std::string manager = QueryParams(request.http).text("fieldManager");
  if (manager.empty())
    manager = manager_from_user_agent(request.http.header("User-Agent"));
  return {manager, request.type.api_version(), now_rfc3339(), request.path.subresource};
}

std::string now_rfc3339() {
  return k8s::format_rfc3339(std::chrono::system_clock::now());
}

net::HttpResponse json_response(int status, const json& body,
                                const std::vector<std::string>& warnings,
                                const char* content_type) {
  net::HttpResponse response;
  response.status = status;
  response.headers["Content-Type"] = content_type;
  std::string warning_header;
  for (const auto& warning : warnings) {
    json quoted = warning;
    warning_header += (warning_header.empty() ? "" : ", ") + std::string("299 - ") + quoted.dump();
  }
  if (!warning_header.empty())
    response.headers["Warning"] = warning_header;
  // Messages can quote client bytes that are not UTF-8: replace them rather than fail to encode.
  response.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return response;
}

void ResourceHandler::handle(const ResourceRequest& request, net::Responder& responder) {
  const auto& path = request.path;
  const auto& type = request.type;
  const std::string& method = request.http.method;
  if (!path.subresource.empty() && (path.subresource != "status" || !type.status_subresource)) {
    throw path_not_found(request.http.path);
  }
  if (type.namespaced == false && !path.ns.empty())
    throw path_not_found(request.http.path);
  if (type.namespaced && !path.name.empty() && path.ns.empty()) {
    throw path_not_found(request.http.path);
  }
  // As kube-apiserver, the response type is settled before the body is read: 406 before 415.
  negotiate_format(request.http);
  if (path.name.empty()) {
    if (method == "GET") {
      if (parse_list_options(request.http).watch) {
        watch(request, responder);
        return;
      }
      responder.reply(list(request));
      return;
    }
    if (method == "POST") {
      responder.reply(create(request));
      return;
    }
    if (method == "DELETE" && path.subresource.empty()) {
      responder.reply(remove_collection(request));
      return;
    }
    throw method_not_supported(method, type.qualified_resource());
  }
  if (method == "GET") {
    responder.reply(get(request));
  } else if (method == "PUT") {
    responder.reply(update(request));
  } else if (method == "PATCH") {
    responder.reply(patch(request));
  } else if (method == "DELETE" && path.subresource.empty()) {
    responder.reply(remove(request));
  } else {
    throw method_not_supported(method, type.qualified_resource() + "/" + path.name);
  }
}

std::string ResourceHandler::namespace_of(const ResourceRequest& request,
                                          const json& object) const {
  if (!request.type.namespaced)
    return {};
  return request.path.ns.empty() ? object_namespace(object) : request.path.ns;
}

void ResourceHandler::require_namespace_accepts_objects(const ResourceRequest& request,
                                                        const std::string& ns) {
  if (!request.type.namespaced || ns.empty())
    return;
  ResourceType namespaces;
  namespaces.plural = "namespaces";
  namespaces.kind = "Namespace";
  namespaces.version = "v1";
  namespaces.namespaced = false;
  namespaces.storage_prefix = "/registry/namespaces";
  auto stored = store_.get(namespaces, "", ns);
  if (!stored.ok()) {
    if (stored.error().code() == ErrorCode::kNotFound)
      throw not_found(namespaces, ns);
    throw from_storage_error(stored.error(), namespaces, ns);
  }
  if (is_deleting(stored->object)) {
    throw forbidden(
        request.type, "",
        "unable to create new content in namespace " + ns + " because it is being terminated");
  }
}

json ResourceHandler::prepare_update(const ResourceRequest& request, const json& old, json updated,
                                     std::vector<std::string>& warnings, bool applied) {
  const auto& type = request.type;
  json result;
  if (is_status_request(request)) {
    result = prepare_for_status_update(old, updated);
  } else {
    prepare_for_update(type, old, updated);
    hooks_.before_update(type, updated, now_rfc3339());
    result = std::move(updated);
  }
  if (type.custom) {
    const auto mode = parse_field_validation(QueryParams(request.http).text("fieldValidation"));
    auto more = admit_custom_resource(type, result, mode, &old);
    warnings.insert(warnings.end(), more.begin(), more.end());
  }
  if (!applied)
    record_update(old, result, update_manager(request));
  return result;
}

json ResourceHandler::guaranteed_update(const ResourceRequest& request, const Mutation& mutate,
                                        bool retry_on_conflict, bool dry_run) {
  const auto& type = request.type;
  const std::string& name = request.path.name;
  for (int attempt = 0;; ++attempt) {
    auto current = store_.get(type, request.path.ns, name);
    if (!current.ok())
      throw from_storage_error(current.error(), type, name);
    auto next = mutate(*current);
    if (!next)
      return current->object;
    // An object being deleted whose last finalizer is gone is deleted by this write.
    const bool finish_deletion = is_deleting(*next) && finalizers_of(*next).empty();
    if (encode_object(type, *next) == encode_object(type, current->object) && !finish_deletion) {
      return current->object;  // no-op write: no new resourceVersion, no event
    }
    if (dry_run)
      return *next;
    auto written = store_.update(type, *next, current->mod_revision);
    if (!written.ok()) {
      if (written.error().code() == ErrorCode::kConflict && retry_on_conflict &&
          attempt < kMaxConflictRetries) {
        continue;
      }
      throw from_storage_error(written.error(), type, name);
    }
    hooks_.after_write(type, written->object);
    if (!finish_deletion)
      return written->object;
    auto removed = store_.remove(type, request.path.ns, name, written->mod_revision);
    if (!removed.ok() && removed.error().code() != ErrorCode::kNotFound) {
      throw from_storage_error(removed.error(), type, name);
    }
    if (removed.ok())
      hooks_.after_delete(type, removed->object);
    spdlog::info("object_deleted resource={} namespace={} name={} reason=finalizers_done",
                 type.qualified_resource(), request.path.ns, name);
    return written->object;
  }
}

}  // namespace hvo::apiserver
