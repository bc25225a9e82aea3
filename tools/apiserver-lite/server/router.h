// Routes one authenticated HTTP request: health and version, discovery, OpenAPI, the admin
// compaction endpoint, and resource paths (to ResourceHandler). Every ApiError becomes a Status
// body; nothing a client sends can escape as an exception. With an audit log, every request
// (including refused ones) is written to it.
#pragma once

#include <memory>
#include <string>

#include "common/net/http_server.h"
#include "tools/apiserver-lite/audit/audit_log.h"
#include "tools/apiserver-lite/auth/token_authenticator.h"
#include "tools/apiserver-lite/registry/resource_registry.h"
#include "tools/apiserver-lite/rest/resource_handler.h"
#include "tools/apiserver-lite/storage/object_store.h"
#include "tools/apiserver-lite/watch/watch_hub.h"

namespace hvo::apiserver {

class Router {
 public:
  Router(const TokenAuthenticator& authenticator, ResourceRegistry& registry,
         ResourceHandler& resources, ObjectStore& store, WatchHub& hub, std::string server_address,
         std::shared_ptr<AuditLog> audit_log = nullptr)
      : authenticator_(authenticator),
        registry_(registry),
        resources_(resources),
        store_(store),
        hub_(hub),
        server_address_(std::move(server_address)),
        audit_log_(std::move(audit_log)) {}

  void handle(const net::HttpRequest& request, net::Responder& responder);

 private:
  void route(const net::HttpRequest& request, net::Responder& responder);
  bool serve_discovery(const net::HttpRequest& request, net::Responder& responder);
  bool serve_openapi(const net::HttpRequest& request, net::Responder& responder);
  net::HttpResponse compact(const net::HttpRequest& request);

  const TokenAuthenticator& authenticator_;
  ResourceRegistry& registry_;
  ResourceHandler& resources_;
  ObjectStore& store_;
  WatchHub& hub_;
  std::string server_address_;
  std::shared_ptr<AuditLog> audit_log_;  // null: no audit log
};

}  // namespace hvo::apiserver
