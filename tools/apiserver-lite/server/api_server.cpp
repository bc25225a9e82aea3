#include "tools/apiserver-lite/server/api_server.h"

#include <spdlog/spdlog.h>

#include "common/net/http_server.h"
#include "tools/apiserver-lite/audit/audit_log.h"
#include "tools/apiserver-lite/auth/token_authenticator.h"
#include "tools/apiserver-lite/authz/aggregation_controller.h"
#include "tools/apiserver-lite/authz/bootstrap_policy.h"
#include "tools/apiserver-lite/authz/rbac_authorizer.h"
#include "tools/apiserver-lite/authz/rbac_cache.h"
#include "tools/apiserver-lite/etcd/etcd_client.h"
#include "tools/apiserver-lite/registry/builtin_types.h"
#include "tools/apiserver-lite/registry/resource_registry.h"
#include "tools/apiserver-lite/rest/lifecycle_hooks.h"
#include "tools/apiserver-lite/rest/namespace_cleaner.h"
#include "tools/apiserver-lite/rest/object_rules.h"
#include "tools/apiserver-lite/rest/resource_handler.h"
#include "tools/apiserver-lite/server/router.h"
#include "tools/apiserver-lite/storage/object_store.h"
#include "tools/apiserver-lite/storage/periodic_compactor.h"
#include "tools/apiserver-lite/tls/serving_certs.h"
#include "tools/apiserver-lite/util/random_ids.h"
#include "tools/apiserver-lite/watch/watch_hub.h"

namespace hvo::apiserver {
namespace {

constexpr const char* kDefaultNamespaces[] = {"default", "kube-system", "kube-public",
                                              "kube-node-lease"};

class RunningApiServer : public ApiServer {
 public:
  RunningApiServer(const ApiServerOptions& options, std::unique_ptr<etcd::EtcdClient> etcd,
                   TokenAuthenticator authenticator)
      : etcd_(std::move(etcd)),
        authenticator_(std::move(authenticator)),
        store_(*etcd_),
        hooks_(registry_, store_),
        hub_(*etcd_, WatchHubOptions{options.watch_window, std::chrono::milliseconds(250)}),
        cleaner_(store_, registry_, hooks_),
        resources_(store_, hub_, hooks_,
                   ResourceHandlerOptions{options.bookmark_interval, std::chrono::minutes(30)}) {
    for (auto& type : builtin_types())
      registry_.add(std::move(type));
    resources_.on_namespace_terminating([this](const std::string&) { cleaner_.notify(); });
    rbac_cache_ = std::make_unique<authz::RbacCache>(store_, hub_, registry_);
    authorizer_ = std::make_unique<authz::RbacAuthorizer>(*rbac_cache_);
    aggregation_ = std::make_unique<authz::AggregationController>(store_, registry_, *rbac_cache_);
  }

  ~RunningApiServer() override { stop(); }

  Status prepare() {
    Status loaded = hooks_.load_stored_crds();
    if (!loaded.ok())
      return loaded;
    Status namespaces = create_default_namespaces();
    if (!namespaces.ok())
      return namespaces;
    Status policy = create_bootstrap_policy();
    if (!policy.ok())
      return policy;
    return rbac_cache_->start();
  }

  Status serve(const ApiServerOptions& options, const std::string& cert_file,
               const std::string& key_file) {
    if (!options.audit_log_path.empty()) {
      auto audit_log = AuditLog::open(options.audit_log_path);
      if (!audit_log.ok())
        return audit_log.error();
      audit_log_ = std::move(audit_log).value();
    }
    net::HttpServerConfig config;
    config.host = options.bind_address;
    config.port = options.port;
    config.tls = net::TlsServerConfig{cert_file, key_file, "", false};
    router_ = std::make_unique<Router>(authenticator_, registry_, resources_, store_, hub_,
                                       options.bind_address + ":" + std::to_string(options.port),
                                       audit_log_, authorizer_.get());
    auto server = net::HttpServer::start(
        config, [this](const net::HttpRequest& request, net::Responder& responder) {
          router_->handle(request, responder);
        });
    if (!server.ok())
      return server.error().with_context("serving on port " + std::to_string(options.port));
    http_ = std::move(server).value();
    if (options.compaction_interval.count() > 0) {
      compactor_ = std::make_unique<PeriodicCompactor>(*etcd_, hub_, options.compaction_interval);
    }
    return OkStatus();
  }

  uint16_t port() const override { return http_ ? http_->port() : 0; }

  void stop() override {
    compactor_.reset();
    if (http_) {
      http_->stop();
      http_.reset();
    }
  }

 private:
  Status create_default_namespaces() {
    auto type = registry_.find("", "v1", "namespaces");
    for (const char* name : kDefaultNamespaces) {
      nlohmann::json ns = {
          {"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
      const std::string now = now_rfc3339();
      prepare_for_create(*type, ns, CreateContext{"", now, random_uuid(), ""});
      hooks_.before_create(*type, ns, now);
      auto created = store_.create(*type, ns);
      if (!created.ok() && created.error().code() != ErrorCode::kAlreadyExists) {
        return created.error().with_context("creating namespace " + std::string(name));
      }
    }
    return OkStatus();
  }

  // kube-apiserver's bootstrap roles and bindings, each created when absent (one an admin has
  // changed stays as it is).
  Status create_bootstrap_policy() {
    auto create_all = [this](const char* plural,
                             const std::vector<nlohmann::json>& objects) -> Status {
      auto type = registry_.find("rbac.authorization.k8s.io", "v1", plural);
      for (nlohmann::json object : objects) {
        const std::string now = now_rfc3339();
        prepare_for_create(*type, object, CreateContext{"", now, random_uuid(), ""});
        auto created = store_.create(*type, object);
        if (!created.ok() && created.error().code() != ErrorCode::kAlreadyExists) {
          return created.error().with_context("creating bootstrap " + std::string(plural) + " " +
                                              object["metadata"].value("name", ""));
        }
      }
      return OkStatus();
    };
    Status roles = create_all("clusterroles", authz::bootstrap_cluster_roles());
    if (!roles.ok())
      return roles;
    return create_all("clusterrolebindings", authz::bootstrap_cluster_role_bindings());
  }

  std::unique_ptr<etcd::EtcdClient> etcd_;
  TokenAuthenticator authenticator_;
  ResourceRegistry registry_;
  ObjectStore store_;
  LifecycleHooks hooks_;
  WatchHub hub_;
  NamespaceCleaner cleaner_;
  ResourceHandler resources_;
  std::unique_ptr<authz::RbacCache> rbac_cache_;  // kept current by hub_
  std::unique_ptr<authz::RbacAuthorizer> authorizer_;
  std::unique_ptr<authz::AggregationController> aggregation_;  // fed by rbac_cache_
  std::shared_ptr<AuditLog> audit_log_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<net::HttpServer> http_;
  std::unique_ptr<PeriodicCompactor> compactor_;  // last: uses etcd_ and hub_
};

}  // namespace

Result<std::unique_ptr<ApiServer>> ApiServer::start(const ApiServerOptions& options) {
  if (options.token_auth_file.empty()) {
    return Error(ErrorCode::kInvalidArgument, "--token-auth-file is required");
  }
  auto authenticator = TokenAuthenticator::from_file(options.token_auth_file);
  if (!authenticator.ok())
    return authenticator.error();

  std::string cert_file = options.tls_cert_file;
  std::string key_file = options.tls_key_file;
  if (cert_file.empty() || key_file.empty()) {
    if (options.cert_dir.empty()) {
      return Error(
          ErrorCode::kInvalidArgument,
          "give --tls-cert-file and --tls-private-key-file, or --cert-dir to generate them");
    }
    auto generated = load_or_generate_serving_certs(options.cert_dir, options.extra_san_names);
    if (!generated.ok())
      return generated.error();
    cert_file = generated->cert_file;
    key_file = generated->key_file;
    spdlog::info("serving_cert_ready ca={} cert={}", generated->ca_file, cert_file);
  }

  auto etcd = etcd::EtcdClient::create(options.etcd_endpoint);
  if (!etcd.ok())
    return etcd.error();
  auto revision = (*etcd)->current_revision();
  if (!revision.ok())
    return revision.error().with_context("etcd is not answering");

  auto server = std::make_unique<RunningApiServer>(options, std::move(etcd).value(),
                                                   std::move(authenticator).value());
  Status prepared = server->prepare();
  if (!prepared.ok())
    return prepared.error();
  Status serving = server->serve(options, cert_file, key_file);
  if (!serving.ok())
    return serving.error();
  spdlog::info("apiserver_started address={}:{} etcd={} revision={}", options.bind_address,
               server->port(), options.etcd_endpoint, *revision);
  return std::unique_ptr<ApiServer>(std::move(server));
}

}  // namespace hvo::apiserver
