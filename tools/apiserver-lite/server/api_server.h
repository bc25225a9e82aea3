// The emulator assembled: etcd client, registry (built-ins + stored CRDs), watch hub, namespace
// cleaner and the HTTPS server with authentication and routing. main.cpp only fills the options.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace hvo::apiserver {

struct ApiServerOptions {
  std::string etcd_endpoint = "http://127.0.0.1:2379";
  std::string bind_address = "127.0.0.1";
  uint16_t port = 6443;
  // Serving certificate: given files, or generated into cert_dir at start-up.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string cert_dir;
  std::vector<std::string> extra_san_names;
  std::string token_auth_file;  // required: every request but health and version needs a token
  std::chrono::milliseconds bookmark_interval{std::chrono::seconds(30)};
  std::size_t watch_window = 10000;
  // --audit-log-path: one audit.k8s.io/v1 Event (level Metadata) per request and stage, as JSON
  // lines; empty: no audit log.
  std::string audit_log_path;
  // --etcd-compaction-interval: compact etcd this often, keeping one interval of history, as
  // kube-apiserver does; 0 disables (then only POST /admin/compact compacts).
  std::chrono::milliseconds compaction_interval{std::chrono::minutes(5)};
};

class ApiServer {
 public:
  // Connects to etcd, loads stored CRDs, creates the default namespaces and starts serving.
  static Result<std::unique_ptr<ApiServer>> start(const ApiServerOptions& options);
  virtual ~ApiServer() = default;
  virtual uint16_t port() const = 0;
  // Stops serving and every background thread; returns when they are done.
  virtual void stop() = 0;
};

}  // namespace hvo::apiserver
