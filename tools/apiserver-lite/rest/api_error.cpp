#include "tools/apiserver-lite/rest/api_error.h"

#include <spdlog/spdlog.h>

namespace hvo::apiserver {

using nlohmann::json;

namespace {

json resource_details(const ResourceType& type, const std::string& name) {
  json details = {{"name", name}, {"kind", type.plural}};
  if (!type.group.empty())
    details["group"] = type.group;
  return details;
}

std::string quoted(const std::string& text) {
  return "\"" + text + "\"";
}

}  // namespace

json ApiError::status_body() const {
  json body = {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", json::object()},
               {"status", "Failure"}, {"message", what()},  {"reason", reason_},
               {"code", code_}};
  if (!details_.empty())
    body["details"] = details_;
  if (!continue_.empty())
    body["metadata"]["continue"] = continue_;
  return body;
}

ApiError not_found(const ResourceType& type, const std::string& name) {
  return ApiError(404, "NotFound", type.qualified_resource() + " " + quoted(name) + " not found",
                  resource_details(type, name));
}

ApiError already_exists(const ResourceType& type, const std::string& name) {
  return ApiError(409, "AlreadyExists",
                  type.qualified_resource() + " " + quoted(name) + " already exists",
                  resource_details(type, name));
}

ApiError conflict(const ResourceType& type, const std::string& name) {
  return ApiError(409, "Conflict",
                  "Operation cannot be fulfilled on " + type.qualified_resource() + " " +
                      quoted(name) +
                      ": the object has been modified; please apply your changes to the latest "
                      "version and try again",
                  resource_details(type, name));
}

ApiError apply_conflict(const ResourceType& type, const std::string& name,
                        const std::string& message,
                        const std::vector<FieldManagerConflict>& conflicts) {
  json details = resource_details(type, name);
  details["causes"] = json::array();
  for (const auto& conflict : conflicts) {
    details["causes"].push_back({{"reason", "FieldManagerConflict"},
                                 {"message", "conflict with " + quoted(conflict.manager)},
                                 {"field", conflict.field}});
  }
  return ApiError(409, "Conflict", message, details);
}

ApiError invalid(const ResourceType& type, const std::string& name,
                 const std::vector<schema::FieldError>& causes) {
  json cause_list = json::array();
  std::string summary;
  for (const auto& cause : causes) {
    const std::string text =
        cause.field.empty() ? cause.message : cause.field + ": " + cause.message;
    // As apimachinery's NewInvalid: a cause's message is the error's body (ErrorBody()), without
    // the field, which has its own key; kubectl prints "<field>: <message>" from the two.
    cause_list.push_back(
        {{"reason", cause.reason}, {"message", cause.message}, {"field", cause.field}});
    summary += (summary.empty() ? "" : ", ") + text;
  }
  if (causes.size() > 1)
    summary = "[" + summary + "]";
  json details = {{"name", name}, {"kind", type.kind}, {"causes", cause_list}};
  if (!type.group.empty())
    details["group"] = type.group;
  return ApiError(422, "Invalid",
                  type.qualified_kind() + " " + quoted(name) + " is invalid: " + summary, details);
}

ApiError bad_request(const std::string& message) {
  return ApiError(400, "BadRequest", message);
}

ApiError forbidden(const ResourceType& type, const std::string& name, const std::string& why) {
  return ApiError(403, "Forbidden",
                  type.qualified_resource() + " " + quoted(name) + " is forbidden: " + why,
                  resource_details(type, name));
}

ApiError gone(const std::string& message) {
  return ApiError(410, "Expired", message);
}

ApiError method_not_supported(const std::string& method, const std::string& what) {
  return ApiError(
      405, "MethodNotAllowed", "the server does not allow this method on the requested resource",
      json{{"causes",
            json::array({{{"reason", "MethodNotAllowed"}, {"message", method + " on " + what}}})}});
}

ApiError unsupported_media_type(const std::string& content_type, const std::string& accepted) {
  return ApiError(415, "UnsupportedMediaType",
                  "the body of the request was in an unknown format - accepted media types "
                  "include: " +
                      accepted + " (got " + quoted(content_type) + ")");
}

ApiError not_acceptable(const std::string& accept) {
  return ApiError(406, "NotAcceptable",
                  "only the following media types are accepted: application/json, "
                  "application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io (got Accept " +
                      quoted(accept) + ")");
}

ApiError unauthorized() {
  return ApiError(401, "Unauthorized", "Unauthorized");
}

ApiError internal_error(const std::string& message) {
  return ApiError(500, "InternalError", "Internal error occurred: " + message);
}

ApiError path_not_found(const std::string& path) {
  return ApiError(404, "NotFound", "the server could not find the requested resource",
                  json{{"causes", json::array({{{"reason", "UnexpectedServerResponse"},
                                                {"message", "404 page not found: " + path}}})}});
}

ApiError from_storage_error(const Error& error, const ResourceType& type, const std::string& name) {
  switch (error.code()) {
    case ErrorCode::kNotFound:
      return not_found(type, name);
    case ErrorCode::kAlreadyExists:
      return already_exists(type, name);
    case ErrorCode::kConflict:
      return conflict(type, name);
    case ErrorCode::kGone:
      return gone(
          "The provided continue parameter is too old to display a consistent list "
          "result. You can start a new list without the continue parameter.");
    default:
      spdlog::error("storage_error resource={} name={} code={} error={}", type.qualified_resource(),
                    name, to_string(error.code()), error.message());
      return internal_error(error.message());
  }
}

json success_status(const ResourceType& type, const std::string& name, const std::string& uid) {
  json details = resource_details(type, name);
  details["uid"] = uid;
  return {{"kind", "Status"},
          {"apiVersion", "v1"},
          {"metadata", json::object()},
          {"status", "Success"},
          {"details", details}};
}

}  // namespace hvo::apiserver
