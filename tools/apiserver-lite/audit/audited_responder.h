// Wraps a request's Responder to write its audit events: ResponseComplete when a plain reply
// goes out; for a stream (watch) ResponseStarted when it starts and ResponseComplete when it ends,
// as kube-apiserver does for long-running requests. Each line is written before the response
// leaves, so a client that got its answer finds the line already in the file. Also sets the
// Audit-Id response header.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "common/net/http_server.h"
#include "tools/apiserver-lite/audit/audit_event.h"
#include "tools/apiserver-lite/audit/audit_log.h"

namespace hvo::apiserver {

class AuditedResponder : public net::Responder {
 public:
  // The stream of a watch may outlive the server's parts: it shares ownership of the log.
  AuditedResponder(net::Responder& inner, std::shared_ptr<AuditLog> log,
                   const net::HttpRequest& request);

  // Who made the request, once authentication has run (default: authentication failed).
  void set_user(std::optional<UserInfo> user, bool anonymous);

  void reply(net::HttpResponse response) override;
  std::shared_ptr<net::ResponseStream> stream(int status, net::Headers headers) override;

 private:
  nlohmann::json event(const std::string& stage, int code) const;

  net::Responder& inner_;
  std::shared_ptr<AuditLog> log_;
  AuditRecord record_;
};

}  // namespace hvo::apiserver
