#include "tools/apiserver-lite/server/request_metrics.h"

#include <cctype>

#include "tools/apiserver-lite/rest/query_params.h"
#include "tools/apiserver-lite/rest/request_path.h"

namespace hvo::apiserver {

namespace {

// Sorted by name, as client_golang exposes them.
const std::vector<std::string> kLabels = {"code",  "component",   "dry_run", "group",  "resource",
                                          "scope", "subresource", "verb",    "version"};

std::string upper(std::string text) {
  for (char& c : text)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// metrics.CleanVerb over the request's canonical verb.
std::string resource_verb(const net::HttpRequest& request, const ResourcePath& path) {
  const std::string method = upper(request.method);
  if (method == "GET" || method == "HEAD") {
    if (!path.name.empty())
      return "GET";
    return QueryParams(request).flag("watch") ? "WATCH" : "LIST";
  }
  if (method == "PATCH" && request.header("Content-Type").rfind("application/apply-patch", 0) == 0)
    return "APPLY";
  if (method == "DELETE" && path.name.empty())
    return "DELETECOLLECTION";
  return method;
}

}  // namespace

std::vector<std::string> request_metric_labels(const net::HttpRequest& request, int code) {
  const auto path = parse_resource_path(request.path);
  if (!path)
    return {std::to_string(code), "", "", "", "", "", request.path, upper(request.method), ""};
  const std::string scope = !path->name.empty() ? "resource"
                            : !path->ns.empty() ? "namespace"
                                                : "cluster";
  const std::string dry_run = QueryParams(request).text("dryRun");
  return {std::to_string(code), "apiserver", dry_run,           path->group,
          path->plural,         scope,       path->subresource, resource_verb(request, *path),
          path->version};
}

RequestMetrics::RequestMetrics()
    : requests_(registry_.counter(
          "apiserver_request_total",
          "Counter of apiserver requests broken out for each verb, dry run value, group, version, "
          "resource, scope, component, and HTTP response code.",
          kLabels)) {
  metrics::register_process_metrics(registry_);
}

void RequestMetrics::record(const net::HttpRequest& request, int code) {
  requests_.with(request_metric_labels(request, code)).inc();
}

}  // namespace hvo::apiserver
