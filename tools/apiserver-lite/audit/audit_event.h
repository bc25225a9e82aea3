// One audit.k8s.io/v1 Event at level Metadata, as kube-apiserver writes to --audit-log-path:
// who (user, source IP, user agent) did what (verb, objectRef) and how it ended (status code).
// Pure logic: the request facts go in, the JSON line comes out.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/net/http_types.h"
#include "tools/apiserver-lite/auth/token_authenticator.h"

namespace hvo::apiserver {

// The Kubernetes verb of a request, as kube's RequestInfoFactory derives it: POST create,
// PUT update, PATCH patch, GET get (list without a name, watch with ?watch=true|1), DELETE delete
// (deletecollection without a name). Non-resource paths get the lower-cased HTTP method.
std::string audit_verb(const net::HttpRequest& request);

// objectRef {resource, namespace, name, apiGroup, apiVersion, subresource} of a resource path
// (empty members left out, as Go's omitempty does); nullopt for non-resource paths (/version,
// /apis, /openapi/v3, /healthz). A list or watch narrowed by fieldSelector=metadata.name=X names X;
// a create names the object in its body.
std::optional<nlohmann::json> audit_object_ref(const net::HttpRequest& request);

// "2026-11-22T05:02:34.123456Z": MicroTime, as audit timestamps are written.
std::string audit_timestamp(std::chrono::system_clock::time_point at);

struct AuditRecord {
  std::string audit_id;
  std::string stage;  // "ResponseStarted" (streams) or "ResponseComplete"
  const net::HttpRequest* request = nullptr;
  std::optional<UserInfo> user;  // nullopt: authentication failed (user {} as kube writes it)
  bool anonymous = false;        // public path without credentials: system:anonymous
  int code = 0;
  std::chrono::system_clock::time_point received;
  std::chrono::system_clock::time_point stage_time;
};

nlohmann::json audit_event(const AuditRecord& record);

}  // namespace hvo::apiserver
