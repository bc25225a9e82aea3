#include "tools/apiserver-lite/authz/forbidden.h"

namespace hvo::apiserver::authz {

using nlohmann::json;

namespace {

std::string in_quotes(const std::string& text) {
  return "\"" + text + "\"";
}

std::string denial(const RequestAttributes& request) {
  const std::string who = "User " + in_quotes(request.user) + " cannot " + request.verb;
  if (!request.resource_request)
    return who + " path " + in_quotes(request.path);
  std::string resource = request.resource;
  if (!request.subresource.empty())
    resource += "/" + request.subresource;
  const std::string what =
      who + " resource " + in_quotes(resource) + " in API group " + in_quotes(request.api_group);
  if (!request.ns.empty())
    return what + " in the namespace " + in_quotes(request.ns);
  return what + " at the cluster scope";
}

}  // namespace

ApiError forbidden_request(const RequestAttributes& request, const std::string& reason) {
  std::string why = denial(request);
  if (!reason.empty())
    why += ": " + reason;
  json details = json::object();
  std::string message;
  if (!request.resource_request) {
    message = "forbidden: " + why;
  } else {
    const std::string qualified =
        request.api_group.empty() ? request.resource : request.resource + "." + request.api_group;
    message = request.name.empty()
                  ? qualified + " is forbidden: " + why
                  : qualified + " " + in_quotes(request.name) + " is forbidden: " + why;
    if (!request.name.empty())
      details["name"] = request.name;
    if (!request.api_group.empty())
      details["group"] = request.api_group;
    details["kind"] = request.resource;
  }
  return ApiError(403, "Forbidden", message, details);
}

}  // namespace hvo::apiserver::authz
