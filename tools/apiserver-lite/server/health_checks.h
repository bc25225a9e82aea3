// /healthz, /livez and /readyz as kube-apiserver serves them (k8s.io/apiserver healthz): the
// root runs every check and answers "ok", or with ?verbose one "[+]name ok" line per check and
// "<endpoint> check passed"; a failing check makes it 500 with "[-]name failed: reason withheld"
// lines and "<endpoint> check failed" whatever the query. ?exclude=name skips a check
// ("[+]name excluded: ok"). Each check also has its own path (/livez/ping, /readyz/etcd): "ok",
// or 500 "internal server error: <why>".
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/net/http_types.h"

namespace hvo::apiserver {

struct HealthCheck {
  std::string name;                                 // "ping", "etcd"
  std::function<std::optional<std::string>()> run;  // nullopt: healthy; else why not
};

// True for "/healthz", "/livez", "/readyz" and their "/<endpoint>/<check>" paths.
bool is_health_path(const std::string& path);

// Answers a health path with `checks` (those of its endpoint). A check path naming no check
// of the endpoint is a plain 404.
net::HttpResponse serve_health(const net::HttpRequest& request,
                               const std::vector<HealthCheck>& checks);

}  // namespace hvo::apiserver
