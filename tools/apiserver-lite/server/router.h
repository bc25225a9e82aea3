// Authenticates and authorizes (RBAC, unless the server allows all) each HTTP request, then routes
// it: health checks and version, /metrics, discovery,
// OpenAPI, the admin compaction endpoint, the authorization.k8s.io reviews, and resource paths (to
// ResourceHandler). Every ApiError becomes a Status body; nothing a client sends can escape as an
// exception. Every request is counted in apiserver_request_total and, with an audit log, written to
// it.
#pragma once

#include <memory>
#include <string>

#include "common/net/http_server.h"
#include "tools/apiserver-lite/audit/audit_log.h"
#include "tools/apiserver-lite/audit/audited_responder.h"
#include "tools/apiserver-lite/auth/token_authenticator.h"
#include "tools/apiserver-lite/authz/rbac_authorizer.h"
#include "tools/apiserver-lite/registry/resource_registry.h"
#include "tools/apiserver-lite/rest/resource_handler.h"
#include "tools/apiserver-lite/server/health_checks.h"
#include "tools/apiserver-lite/server/request_metrics.h"
#include "tools/apiserver-lite/storage/object_store.h"
#include "tools/apiserver-lite/watch/watch_hub.h"

namespace hvo::apiserver {

class Router {
 public:
  Router(const TokenAuthenticator& authenticator, ResourceRegistry& registry,
         ResourceHandler& resources, ObjectStore& store, WatchHub& hub, std::string server_address,
         std::shared_ptr<AuditLog> audit_log = nullptr, authz::RbacAuthorizer* authorizer = nullptr)
      : authenticator_(authenticator),
        authorizer_(authorizer),
        registry_(registry),
        resources_(resources),
        store_(store),
        hub_(hub),
        server_address_(std::move(server_address)),
        audit_log_(std::move(audit_log)) {}

  void handle(const net::HttpRequest& request, net::Responder& responder);

 private:
  // Authenticates, routes and answers through `out`; tells `audited` (when auditing) who asked.
  void answer(const net::HttpRequest& request, net::Responder& out, AuditedResponder* audited);
  void route(const net::HttpRequest& request, net::Responder& responder,
             const authz::RequestAttributes& requester);
  // POST of a SelfSubjectAccessReview and the other reviews; false for other paths.
  bool serve_access_review(const net::HttpRequest& request, net::Responder& responder,
                           const authz::RequestAttributes& requester);
  bool serve_discovery(const net::HttpRequest& request, net::Responder& responder);
  bool serve_openapi(const net::HttpRequest& request, net::Responder& responder);
  net::HttpResponse compact(const net::HttpRequest& request);
  // The checks of /healthz, /livez or /readyz (by the request's path).
  std::vector<HealthCheck> health_checks(const std::string& path);

  const TokenAuthenticator& authenticator_;
  authz::RbacAuthorizer* authorizer_;  // null: every authenticated request is allowed
  ResourceRegistry& registry_;
  ResourceHandler& resources_;
  ObjectStore& store_;
  WatchHub& hub_;
  std::string server_address_;
  std::shared_ptr<AuditLog> audit_log_;  // null: no audit log
  RequestMetrics metrics_;
};

}  // namespace hvo::apiserver
