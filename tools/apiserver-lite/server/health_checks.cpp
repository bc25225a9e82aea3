#include "tools/apiserver-lite/server/health_checks.h"

#include <set>

#include "tools/apiserver-lite/rest/query_params.h"

namespace hvo::apiserver {

namespace {

constexpr const char* kEndpoints[] = {"healthz", "livez", "readyz"};

net::HttpResponse text(int status, const std::string& body) {
  net::HttpResponse response;
  response.status = status;
  response.headers["Content-Type"] = "text/plain; charset=utf-8";
  response.headers["X-Content-Type-Options"] = "nosniff";
  response.body = body;
  return response;
}

// {endpoint, check} of "/livez" ({"livez", ""}) or "/livez/ping" ({"livez", "ping"}).
std::optional<std::pair<std::string, std::string>> split(const std::string& path) {
  for (const char* endpoint : kEndpoints) {
    const std::string root = std::string("/") + endpoint;
    if (path == root)
      return std::make_pair(std::string(endpoint), std::string());
    if (path.size() > root.size() + 1 && path.compare(0, root.size() + 1, root + "/") == 0)
      return std::make_pair(std::string(endpoint), path.substr(root.size() + 1));
  }
  return std::nullopt;
}

// ?exclude=a&exclude=b (every value, as url.Values["exclude"]).
std::set<std::string> excluded_checks(const std::string& raw_query) {
  std::set<std::string> out;
  std::size_t start = 0;
  while (start <= raw_query.size()) {
    std::size_t end = raw_query.find('&', start);
    if (end == std::string::npos)
      end = raw_query.size();
    for (const auto& [name, value] : net::decode_query(raw_query.substr(start, end - start))) {
      if (name == "exclude")
        out.insert(value);
    }
    start = end + 1;
  }
  return out;
}

}  // namespace

bool is_health_path(const std::string& path) {
  return split(path).has_value();
}

net::HttpResponse serve_health(const net::HttpRequest& request,
                               const std::vector<HealthCheck>& checks) {
  const auto parts = split(request.path);
  if (!parts)
    return text(404, "404 page not found\n");
  const auto& [endpoint, check_name] = *parts;
  if (!check_name.empty()) {
    for (const auto& check : checks) {
      if (check.name != check_name)
        continue;
      const auto failure = check.run();
      if (failure)
        return text(500, "internal server error: " + *failure + "\n");
      return text(200, "ok");
    }
    return text(404, "404 page not found\n");
  }
  auto excluded = excluded_checks(request.raw_query);
  std::string lines;
  bool failed = false;
  for (const auto& check : checks) {
    if (excluded.erase(check.name) != 0) {
      lines += "[+]" + check.name + " excluded: ok\n";
      continue;
    }
    if (check.run()) {
      failed = true;
      lines += "[-]" + check.name + " failed: reason withheld\n";
    } else {
      lines += "[+]" + check.name + " ok\n";
    }
  }
  if (!excluded.empty()) {
    std::string names;
    for (const auto& name : excluded)
      names += (names.empty() ? "\"" : ",\"") + name + "\"";
    lines += "warn: some health checks cannot be excluded: no matches for " + names + "\n";
  }
  // Always verbose on failure, as upstream.
  if (failed)
    return text(500, lines + endpoint + " check failed\n");
  if (!QueryParams(request).has("verbose"))
    return text(200, "ok");
  return text(200, lines + endpoint + " check passed\n");
}

}  // namespace hvo::apiserver
