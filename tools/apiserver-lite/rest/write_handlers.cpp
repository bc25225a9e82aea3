// POST (create) and PUT (update of the object or its /status) with optimistic concurrency.
#include <spdlog/spdlog.h>

#include "tools/apiserver-lite/rest/api_error.h"
#include "tools/apiserver-lite/rest/dry_run.h"
#include "tools/apiserver-lite/rest/list_options.h"
#include "tools/apiserver-lite/rest/object_rules.h"
#include "tools/apiserver-lite/rest/query_params.h"
#include "tools/apiserver-lite/rest/resource_handler.h"
#include "tools/apiserver-lite/rest/schema_admission.h"
#include "tools/apiserver-lite/util/random_ids.h"

namespace hvo::apiserver {

using nlohmann::json;

namespace {

// apiVersion/kind in a body must name the resource the URL names (when given at all).
void check_type_of_body(const ResourceType& type, const json& body) {
  const std::string api_version = body.value("apiVersion", "");
  const std::string kind = body.value("kind", "");
  if (!api_version.empty() && api_version != type.api_version()) {
    throw bad_request("the API version in the data (" + api_version +
                      ") does not match the expected API version (" + type.api_version() + ")");
  }
  if (!kind.empty() && kind != type.kind) {
    throw bad_request("the kind in the data (" + kind + ") does not match the expected kind (" +
                      type.kind + ")");
  }
}

}  // namespace

net::HttpResponse ResourceHandler::create(const ResourceRequest& request, bool applied) {
  const auto& type = request.type;
  const bool dry_run = dry_run_requested(request.http, "CreateOptions");
  json object = decode_object_body(request.http, !type.custom);
  check_type_of_body(type, object);
  const std::string now = now_rfc3339();
  CreateContext context{request.path.ns, now, random_uuid(), random_name_suffix()};
  prepare_for_create(type, object, context);
  require_namespace_accepts_objects(request, object_namespace(object));
  hooks_.before_create(type, object, now);
  std::vector<std::string> warnings;
  if (type.custom) {
    const auto mode = parse_field_validation(QueryParams(request.http).text("fieldValidation"));
    warnings = admit_custom_resource(type, object, mode);
  }
  if (!applied)
    record_update(nullptr, object, update_manager(request));
  if (dry_run)
    return json_response(201, object, warnings);
  auto stored = store_.create(type, object);
  if (!stored.ok())
    throw from_storage_error(stored.error(), type, object_name(object));
  hooks_.after_write(type, stored->object);
  return json_response(201, stored->object, warnings);
}

net::HttpResponse ResourceHandler::update(const ResourceRequest& request) {
  const auto& type = request.type;
  const std::string& name = request.path.name;
  const bool dry_run = dry_run_requested(request.http, "UpdateOptions");
  json body = decode_object_body(request.http, !type.custom);
  check_type_of_body(type, body);
  const json metadata = body.value("metadata", json::object());
  if (metadata.value("name", "") != name) {
    throw bad_request("the name of the object (" + metadata.value("name", "") +
                      ") does not match the name on the URL (" + name + ")");
  }
  const std::string rv_text = metadata.value("resourceVersion", "");
  if (rv_text.empty()) {
    throw invalid(type, name,
                  {{"FieldValueInvalid", "metadata.resourceVersion",
                    "Invalid value: 0x0: must be specified for an update"}});
  }
  const int64_t expected = parse_resource_version(rv_text, "metadata.resourceVersion");
  std::vector<std::string> warnings;
  const json result = guaranteed_update(
      request,
      [&](const StoredObject& current) -> std::optional<json> {
        if (current.mod_revision != expected)
          throw conflict(type, name);
        json updated = body;
        if (type.namespaced)
          updated["metadata"]["namespace"] = request.path.ns;
        warnings.clear();
        json prepared = prepare_update(request, current.object, updated, warnings);
        if (request.admit_update)
          request.admit_update(&current.object, prepared);
        return prepared;
      },
      /*retry_on_conflict=*/false, dry_run);
  return json_response(200, result, warnings);
}

}  // namespace hvo::apiserver
