#include "tools/apiserver-lite/server/router.h"

#include <spdlog/spdlog.h>

#include "tools/apiserver-lite/audit/audited_responder.h"
#include "tools/apiserver-lite/authz/access_reviews.h"
#include "tools/apiserver-lite/authz/escalation.h"
#include "tools/apiserver-lite/authz/forbidden.h"
#include "tools/apiserver-lite/authz/request_attributes.h"
#include "tools/apiserver-lite/discovery/discovery.h"
#include "tools/apiserver-lite/openapi/openapi_builder.h"
#include "tools/apiserver-lite/protobuf/openapi_v2_encoder.h"
#include "tools/apiserver-lite/rest/api_error.h"
#include "tools/apiserver-lite/rest/content_types.h"
#include "tools/apiserver-lite/rest/list_options.h"
#include "tools/apiserver-lite/rest/query_params.h"
#include "tools/apiserver-lite/rest/request_path.h"

namespace hvo::apiserver {

using nlohmann::json;

namespace {

// The Python client asks for /version/.
bool is_version_path(const std::string& path) {
  return path == "/version" || path == "/version/";
}

bool is_public_path(const std::string& path) {
  return is_health_path(path) || is_version_path(path);
}

// Whether the client's Accept lists a protobuf type of the v2 document before anything JSON
// (kubectl 1.27/1.28 ask for protobuf only).
bool wants_openapi_v2_protobuf(const std::string& accept) {
  std::size_t at = 0;
  while (at <= accept.size()) {
    const std::size_t comma = std::min(accept.find(',', at), accept.size());
    const std::string range = accept.substr(at, comma - at);
    const std::string type = media_type(range);
    if (type == protobuf::kOpenApiV2Protobuf || type == protobuf::kOpenApiV2ProtobufAlt)
      return true;
    if (!type.empty() && acceptable_format(range))
      return false;
    at = comma + 1;
  }
  return false;
}

// Remembers the status a request was answered with, for the request counter.
class StatusCapture : public net::Responder {
 public:
  explicit StatusCapture(net::Responder& inner) : inner_(inner) {}
  void reply(net::HttpResponse response) override {
    code_ = response.status;
    inner_.reply(std::move(response));
  }
  std::shared_ptr<net::ResponseStream> stream(int status, net::Headers headers) override {
    code_ = status;
    return inner_.stream(status, std::move(headers));
  }
  int code() const { return code_; }

 private:
  net::Responder& inner_;
  int code_ = 500;  // a handler that answered nothing gets the server's 500
};

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::string current;
  for (char c : path) {
    if (c == '/') {
      if (!current.empty())
        parts.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty())
    parts.push_back(current);
  return parts;
}

}  // namespace

void Router::handle(const net::HttpRequest& request, net::Responder& responder) {
  StatusCapture captured(responder);
  std::optional<AuditedResponder> audited;
  if (audit_log_)
    audited.emplace(captured, audit_log_, request);
  net::Responder& out = audited ? static_cast<net::Responder&>(*audited) : captured;
  answer(request, out, audited ? &*audited : nullptr);
  metrics_.record(request, captured.code());
}

void Router::answer(const net::HttpRequest& request, net::Responder& out,
                    AuditedResponder* audited) {
  try {
    const std::string authorization = request.header("Authorization");
    auto user = authenticator_.authenticate(authorization);
    const bool public_path = is_public_path(request.path);
    if (audited)
      audited->set_user(user, public_path && authorization.empty());
    if (!public_path && !user)
      throw unauthorized();
    // Health and version paths without a token are asked as system:anonymous, whom
    // system:public-info-viewer allows them.
    const auto attributes = authz::request_attributes(request, user);
    if (authorizer_ && !authorizer_->authorize(attributes).allowed)
      throw authz::forbidden_request(attributes);
    route(request, out, attributes);
  } catch (const ApiError& error) {
    if (error.code() >= 500) {
      spdlog::error("request_failed method={} path={} code={} message={}", request.method,
                    request.path, error.code(), error.what());
    }
    out.reply(json_response(error.code(), error.status_body()));
  } catch (const std::exception& error) {
    spdlog::error("request_crashed method={} path={} error={}", request.method, request.path,
                  error.what());
    const ApiError internal = internal_error(error.what());
    out.reply(json_response(internal.code(), internal.status_body()));
  }
}

void Router::route(const net::HttpRequest& request, net::Responder& responder,
                   const authz::RequestAttributes& requester) {
  const std::string& path = request.path;
  if (is_health_path(path)) {
    responder.reply(serve_health(request, health_checks(path)));
    return;
  }
  if (path == "/metrics") {
    if (request.method != "GET")
      throw method_not_supported(request.method, path);
    net::HttpResponse response;
    response.headers["Content-Type"] = metrics::kExpositionContentType;
    response.body = metrics_.expose();
    responder.reply(std::move(response));
    return;
  }
  // kube-apiserver's request-deadline filter reads ?timeout= on every short request.
  const QueryParams query(request);
  if (!(request.method == "GET" && query.flag("watch")))
    query.duration("timeout", "invalid timeout specified in the request URL");
  if (is_version_path(path)) {
    responder.reply(json_response(200, version_document()));
    return;
  }
  if (path == "/admin/compact") {
    if (request.method != "POST")
      throw method_not_supported(request.method, path);
    responder.reply(compact(request));
    return;
  }
  if (serve_discovery(request, responder) || serve_openapi(request, responder) ||
      serve_access_review(request, responder, requester))
    return;
  const auto resource_path = parse_resource_path(path);
  if (!resource_path)
    throw path_not_found(path);
  const auto type =
      registry_.find(resource_path->group, resource_path->version, resource_path->plural);
  if (!type)
    throw path_not_found(path);
  // Writing a Role or binding must not grant more than the writer holds (RBAC's own storage
  // checks this upstream): a created object here, a replaced or patched one by the handler, as
  // it would be stored and against the stored one.
  WriteAdmission admit_update;
  if (authorizer_ && resource_path->subresource.empty() &&
      authz::escalation_checked(resource_path->group, resource_path->plural)) {
    if (request.method == "POST") {
      authz::confirm_no_escalation(resource_path->plural, resource_path->ns,
                                   decode_object_body(request, /*accepts_protobuf=*/true),
                                   requester, *authorizer_);
    } else if (request.method == "PUT" || request.method == "PATCH") {
      admit_update = [this, &resource_path, &requester](const json* old, const json& updated) {
        authz::confirm_no_escalation(resource_path->plural, resource_path->ns, updated, requester,
                                     *authorizer_, old);
      };
    }
  }
  resources_.handle(ResourceRequest{request, *resource_path, *type, type, admit_update}, responder);
}

bool Router::serve_discovery(const net::HttpRequest& request, net::Responder& responder) {
  if (request.method != "GET")
    return false;
  const auto parts = split_path(request.path);
  auto types = registry_.all();
  for (auto& review : authz::access_review_types())
    types.push_back(std::move(review));
  std::optional<json> document;
  if (parts.size() == 1 && parts[0] == "api") {
    document = api_versions_document(server_address_);
  } else if (parts.size() == 2 && parts[0] == "api") {
    document = api_resource_list_document(types, "", parts[1]);
  } else if (parts.size() == 1 && parts[0] == "apis") {
    document = api_group_list_document(types);
  } else if (parts.size() == 2 && parts[0] == "apis") {
    document = api_group_document(types, parts[1]);
  } else if (parts.size() == 3 && parts[0] == "apis") {
    document = api_resource_list_document(types, parts[1], parts[2]);
  } else {
    return false;
  }
  if (!document)
    throw path_not_found(request.path);
  responder.reply(json_response(200, *document));
  return true;
}

bool Router::serve_access_review(const net::HttpRequest& request, net::Responder& responder,
                                 const authz::RequestAttributes& requester) {
  const auto path = parse_resource_path(request.path);
  if (!path || path->group != authz::kAuthorizationGroup)
    return false;
  if (path->version != "v1" || !path->name.empty())
    throw path_not_found(request.path);
  if (request.method != "POST")
    throw method_not_supported(request.method, request.path);
  if (!authorizer_)
    throw path_not_found(request.path);  // upstream serves the reviews only with an authorizer
  const json body = decode_object_body(request, /*accepts_protobuf=*/true);
  responder.reply(json_response(
      201, authz::answer_review(path->plural, path->ns, body, requester, *authorizer_)));
  return true;
}

bool Router::serve_openapi(const net::HttpRequest& request, net::Responder& responder) {
  const std::string& path = request.path;
  if (request.method != "GET" || path.rfind("/openapi/", 0) != 0)
    return false;
  const auto types = registry_.all();
  if (path == "/openapi/v2") {
    if (!wants_openapi_v2_protobuf(request.header("Accept"))) {
      responder.reply(json_response(200, openapi_v2_document(types)));
      return true;
    }
    net::HttpResponse response;
    // The form without '@' whichever was asked for, as upstream: Go's mime parser (client-go
    // reads every response's Content-Type) refuses the '@'.
    response.headers["Content-Type"] = protobuf::kOpenApiV2ProtobufAlt;
    response.body = protobuf::encode_openapi_v2(openapi_v2_document(types));
    responder.reply(std::move(response));
    return true;
  }
  if (path == "/openapi/v3" || path == "/openapi/v3/") {
    responder.reply(json_response(200, openapi_v3_index(types)));
    return true;
  }
  const std::string prefix = "/openapi/v3/";
  if (path.rfind(prefix, 0) == 0) {
    auto document = openapi_v3_document(types, path.substr(prefix.size()));
    if (!document)
      throw path_not_found(path);
    responder.reply(json_response(200, *document));
    return true;
  }
  throw path_not_found(path);
}

std::vector<HealthCheck> Router::health_checks(const std::string& path) {
  auto always_ok = [] { return std::optional<std::string>(); };
  auto etcd_ok = [this]() -> std::optional<std::string> {
    auto revision = store_.etcd().current_revision();
    if (revision.ok())
      return std::nullopt;
    return revision.error().message();
  };
  std::vector<HealthCheck> checks = {{"ping", always_ok}, {"log", always_ok}, {"etcd", etcd_ok}};
  if (path.rfind("/readyz", 0) == 0) {
    checks.push_back({"etcd-readiness", etcd_ok});
    checks.push_back({"shutdown", always_ok});  // stop() closes the listener first
  }
  return checks;
}

net::HttpResponse Router::compact(const net::HttpRequest& request) {
  int64_t revision = parse_resource_version(QueryParams(request).text("revision"), "revision");
  if (revision == 0) {
    auto current = store_.etcd().current_revision();
    if (!current.ok())
      throw internal_error(current.error().message());
    revision = *current;
  }
  Status compacted = store_.etcd().compact(revision);
  if (!compacted.ok() && compacted.error().code() != ErrorCode::kGone) {
    throw internal_error(compacted.error().message());
  }
  hub_.forget_through(revision);
  spdlog::info("store_compacted revision={}", revision);
  return json_response(200, {{"revision", revision}});
}

}  // namespace hvo::apiserver
