#include "tools/apiserver-lite/audit/audit_event.h"

#include <algorithm>
#include <cctype>
#include <ctime>

#include "tools/apiserver-lite/rest/query_params.h"
#include "tools/apiserver-lite/rest/request_path.h"

namespace hvo::apiserver {

using nlohmann::json;

namespace {

bool query_flag(const net::HttpRequest& request, const std::string& name) {
  return QueryParams(request).flag(name);
}

// metadata.name=X (or ==X) from a field selector with no other terms.
std::string name_from_field_selector(const std::string& selector) {
  if (selector.find(',') != std::string::npos)
    return "";
  for (const std::string prefix : {"metadata.name==", "metadata.name="}) {
    if (selector.rfind(prefix, 0) == 0)
      return selector.substr(prefix.size());
  }
  return "";
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

std::string audit_verb(const net::HttpRequest& request) {
  const auto path = parse_resource_path(request.path);
  if (!path)
    return lower(request.method);
  const std::string& method = request.method;
  if (method == "POST")
    return "create";
  if (method == "PUT")
    return "update";
  if (method == "PATCH")
    return "patch";
  if (method == "GET" || method == "HEAD") {
    if (!path->name.empty())
      return "get";
    return query_flag(request, "watch") ? "watch" : "list";
  }
  if (method == "DELETE")
    return path->name.empty() ? "deletecollection" : "delete";
  return lower(method);
}

std::optional<json> audit_object_ref(const net::HttpRequest& request) {
  const auto path = parse_resource_path(request.path);
  if (!path)
    return std::nullopt;
  std::string name = path->name;
  const std::string verb = audit_verb(request);
  if (name.empty() && (verb == "list" || verb == "watch"))
    name = name_from_field_selector(QueryParams(request).text("fieldSelector"));
  // kube completes a create's objectRef from the object sent (when it has a name).
  if (name.empty() && verb == "create") {
    const json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_object() && body.contains("metadata") && body["metadata"].is_object() &&
        body["metadata"].contains("name") && body["metadata"]["name"].is_string()) {
      name = body["metadata"]["name"].get<std::string>();
    }
  }
  // A Namespace is its own namespace in kube's request info (not when created: the Namespace
  // object itself has no namespace).
  std::string ns = path->ns;
  if (ns.empty() && path->plural == "namespaces" && !path->name.empty())
    ns = name;
  json ref = json::object();
  ref["resource"] = path->plural;
  if (!ns.empty())
    ref["namespace"] = ns;
  if (!name.empty())
    ref["name"] = name;
  if (!path->group.empty())
    ref["apiGroup"] = path->group;
  ref["apiVersion"] = path->version;
  if (!path->subresource.empty())
    ref["subresource"] = path->subresource;
  return ref;
}

std::string audit_timestamp(std::chrono::system_clock::time_point at) {
  const auto since_epoch = at.time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(since_epoch - seconds).count();
  const std::time_t t = static_cast<std::time_t>(seconds.count());
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  // The compiler cannot see that strftime wrote at most 19 characters; sized for its 40.
  char out[64];
  std::snprintf(out, sizeof out, "%s.%06lldZ", text, static_cast<long long>(micros));
  return out;
}

json audit_event(const AuditRecord& record) {
  const net::HttpRequest& request = *record.request;
  json user = json::object();
  if (record.user) {
    std::vector<std::string> groups = record.user->groups;
    if (std::find(groups.begin(), groups.end(), "system:authenticated") == groups.end())
      groups.push_back("system:authenticated");
    user["username"] = record.user->name;
    if (!record.user->uid.empty())
      user["uid"] = record.user->uid;
    user["groups"] = groups;
  } else if (record.anonymous) {
    user["username"] = "system:anonymous";
    user["groups"] = {"system:unauthenticated"};
  }
  std::string uri = net::encode_path(request.path);
  if (!request.raw_query.empty())
    uri += "?" + request.raw_query;
  json event = {{"kind", "Event"},
                {"apiVersion", "audit.k8s.io/v1"},
                {"level", "Metadata"},
                {"auditID", record.audit_id},
                {"stage", record.stage},
                {"requestURI", uri},
                {"verb", audit_verb(request)},
                {"user", user},
                {"sourceIPs", json::array()},
                {"responseStatus", {{"metadata", json::object()}, {"code", record.code}}},
                {"requestReceivedTimestamp", audit_timestamp(record.received)},
                {"stageTimestamp", audit_timestamp(record.stage_time)}};
  if (!request.remote_address.empty())
    event["sourceIPs"].push_back(request.remote_address);
  const std::string agent = request.header("User-Agent");
  if (!agent.empty())
    event["userAgent"] = agent;
  if (auto ref = audit_object_ref(request))
    event["objectRef"] = std::move(*ref);
  return event;
}

}  // namespace hvo::apiserver
