#include "operator/app/operator_app.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <random>
#include <vector>

#include "common/metrics/registry.h"
#include "controllers/agent_client_cache.h"
#include "controllers/agent_operations.h"
#include "controllers/cluster_api.h"
#include "controllers/domain_metrics.h"
#include "controllers/tenant_namespace_metrics.h"
#include "controllers/event_routing.h"
#include "controllers/host_call_limiter.h"
#include "controllers/hypervhost_reconciler.h"
#include "controllers/indexed_caches.h"
#include "controllers/kinds.h"
#include "controllers/migration_reconciler.h"
#include "controllers/quota_reconciler.h"
#include "controllers/secret_cache.h"
#include "controllers/tenant_reconciler.h"
#include "controllers/virtualmachine_reconciler.h"
#include "controllers/vm_observations.h"
#include "controllers/vm_packing_sample.h"
#include "operator/client_config.h"
#include "operator/controller.h"
#include "operator/event_recorder.h"
#include "operator/health_server.h"
#include "operator/informer.h"
#include "operator/leader_elector.h"
#include "operator/rest_client.h"
#include "operator/token_source.h"

namespace hvo::operator_app {
namespace {

using namespace hvo::controllers;

// This replica's name: the pod's, else the machine's, with a random suffix so that two
// processes never share a Lease identity.
std::string make_identity(const OperatorOptions& options) {
  std::string base = options.pod_name;
  if (base.empty()) {
    char host[256] = {};
    base = gethostname(host, sizeof(host) - 1) == 0 ? host : "hyperv-operator";
  }
  std::mt19937 random{std::random_device{}()};
  return base + "_" + std::to_string(random() % 100000);
}

// The least time between two reconciles of one Quota, Tenant or HyperVHost. Their status sums
// many VMs: without it, a rollout of N VMs of one tenant writes its Quota and Tenant status up to
// N times; with it, at most about once a second each, and always with the last VM counted (the
// queue merges the enqueues meanwhile and reconciles when the second is over).
constexpr std::chrono::seconds kStatusWriteInterval{1};

// No reconciler reads managedFields: none are cached.
std::unique_ptr<kube::SharedInformer> make_informer(kube::RestClient& rest,
                                                    const kube::GroupVersionResource& gvr,
                                                    const std::string& label_selector = "") {
  kube::InformerOptions options;
  options.reflector.gvr = gvr;
  options.reflector.label_selector = label_selector;
  options.drop_managed_fields = true;
  return std::make_unique<kube::SharedInformer>(rest, options);
}

// VMs number in the thousands: kept packed against a sample VM (store.h, object_packer.h).
std::unique_ptr<kube::SharedInformer> make_vm_informer(kube::RestClient& rest) {
  kube::InformerOptions options;
  options.reflector.gvr = kVirtualMachines;
  options.drop_managed_fields = true;
  options.layout = kube::StoreLayout::kPacked;
  options.packing_sample = vm_packing_sample();
  return std::make_unique<kube::SharedInformer>(rest, options);
}

class Operator : public OperatorApp {
 public:
  Operator(OperatorOptions options, kube::ClientConfig config,
           std::shared_ptr<net::HttpClient> http)
      : options_(std::move(options)),
        identity_(make_identity(options_)),
        rest_(std::move(http), config.server, kube::make_token_source(config, kube::real_clock()),
              registry_, rest_client_options(options_)),
        api_(rest_),
        api_secrets_(api_),
        secrets_(rest_, api_secrets_,
                 [this](const k8s::Json& secret) {
                   enqueue_hosts_using_secret(
                       host_informer_->store(), secret,
                       [this](const std::string& host) { host_controller_.queue().add(host); });
                 }),
        recorder_(rest_, recorder_options()),
        events_(recorder_),
        agent_metrics_(registry_),
        connector_(&agent_metrics_, options_.agent_timeout, options_.agent_operation_wait),
        agents_(connector_),
        // VMs number in the thousands: kept packed, summed by the ledger and indices.
        vm_informer_(make_vm_informer(rest_)),
        host_informer_(make_informer(rest_, kHyperVHosts)),
        tenant_informer_(make_informer(rest_, kTenants)),
        quota_informer_(make_informer(rest_, kQuotas)),
        // Only the operator's own Namespaces and RoleBindings (tenant-labelled): the cluster's
        // others are neither cached nor watched.
        namespace_informer_(make_informer(rest_, kNamespaces, tenant_selector())),
        role_binding_informer_(make_informer(rest_, kRoleBindings, tenant_selector())),
        migration_informer_(make_informer(rest_, kVirtualMachineMigrations)),
        vm_reconciler_({vm_informer_->store(), host_informer_->store(), tenant_informer_->store(),
                        quota_informer_->store()},
                       api_, secrets_, {agents_, agent_operations_, agent_calls_}, events_, ledger_,
                       vm_options()),
        host_reconciler_(host_informer_->store(), ledger_, vm_observations_, api_, secrets_,
                         agents_, events_, host_options()),
        tenant_reconciler_({tenant_informer_->store(), namespace_informer_->store(),
                            role_binding_informer_->store(), ledger_},
                           api_, events_, options_.tenant_admin_cluster_role),
        quota_reconciler_({quota_informer_->store(), vm_informer_->store(),
                           tenant_informer_->store(), host_informer_->store(), ledger_},
                          api_),
        migration_reconciler_({migration_informer_->store(),
                               {vm_informer_->store(), host_informer_->store(),
                                tenant_informer_->store(), quota_informer_->store()}},
                              api_, secrets_, agents_, ledger_),
        vm_controller_({"virtualmachine", options_.vm_workers, {}}, vm_reconciler_, registry_),
        host_controller_({"hypervhost", options_.host_workers, {}, kStatusWriteInterval},
                         host_reconciler_, registry_),
        tenant_controller_({"tenant", options_.tenant_workers, {}, kStatusWriteInterval},
                           tenant_reconciler_, registry_),
        quota_controller_({"quota", options_.quota_workers, {}, kStatusWriteInterval},
                          quota_reconciler_, registry_),
        migration_controller_({"virtualmachinemigration", 2, {}}, migration_reconciler_, registry_),
        agent_calls_(options_.agent_max_inflight_per_host, &agent_metrics_),
        agent_operations_([this](const std::string& vm) { vm_controller_.queue().add(vm); }),
        health_(registry_),
        superseded_calls_(registry_
                              .counter("hyperv_operator_agent_calls_superseded_total",
                                       "Agent calls refused because an agent has seen a later "
                                       "leader's Lease epoch (StaleLeaseEpoch)",
                                       {})
                              .with({})) {
    // The controllers' indexed reads (indexed_caches.h), before the informers start in run().
    add_cache_indices(*vm_informer_, *tenant_informer_, *quota_informer_);
    vm_informer_->add_observer(ledger_.observer());
    vm_informer_->add_observer(vm_phases_.observer());
    vm_informer_->add_observer(vm_observations_.observer());
    metrics::register_process_metrics(registry_);
    register_domain_metrics(registry_,
                            {vm_phases_, host_informer_->store(), quota_informer_->store()});
    register_tenant_namespace_metrics(registry_, tenant_informer_->store());
    route_events();
    fence_writes();
  }

  int run() override {
    if (auto started = start_endpoints(); !started.ok()) {
      spdlog::error("operator_start_failed error={}", started.error().message());
      return 1;
    }
    for (auto* informer : informers())
      informer->start();
    spdlog::info("operator_started identity={} server={} leaderElect={}", identity_, rest_.server(),
                 options_.leader_elect);

    if (options_.leader_elect) {
      if (auto campaigning = start_leader_election(); !campaigning.ok()) {
        spdlog::error("leader_election_failed error={}", campaigning.error().message());
        shutdown();
        return 1;
      }
    } else {
      start_controllers();
    }
    wait_for_stop();
    shutdown();
    return lost_leadership_ ? 1 : 0;
  }

  void stop() override {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    stop_cv_.notify_all();
  }

 private:
  kube::EventRecorderOptions recorder_options() const {
    kube::EventRecorderOptions options;
    options.reporting_instance = identity_;
    return options;
  }
  VmReconcilerOptions vm_options() const {
    VmReconcilerOptions options;
    options.allow_unclaimed_namespaces = options_.allow_unclaimed_namespaces;
    options.unschedulable_release_after = options_.unschedulable_release_after;
    return options;
  }
  HostReconcilerOptions host_options() const {
    HostReconcilerOptions options;
    options.poll_interval =
        std::chrono::duration_cast<std::chrono::seconds>(options_.host_poll_interval);
    options.heartbeat.timeout =
        std::chrono::duration_cast<std::chrono::seconds>(options_.host_heartbeat_timeout);
    options.heartbeat.write_interval =
        std::chrono::duration_cast<std::chrono::seconds>(options_.host_heartbeat_interval);
    return options;
  }
  std::vector<kube::SharedInformer*> informers() {
    return {vm_informer_.get(),       host_informer_.get(),      tenant_informer_.get(),
            quota_informer_.get(),    namespace_informer_.get(), role_binding_informer_.get(),
            migration_informer_.get()};
  }
  std::vector<kube::Controller*> controllers() {
    return {&vm_controller_, &host_controller_, &tenant_controller_, &quota_controller_,
            &migration_controller_};
  }

  // Informer events become keys on the controllers' queues (event_routing.h).
  void route_events() {
    const auto enqueue_on = [](kube::Controller& controller) {
      return [&controller](const std::string& key) { controller.queue().add(key); };
    };
    const Queues queues{enqueue_on(vm_controller_), enqueue_on(host_controller_),
                        enqueue_on(tenant_controller_), enqueue_on(quota_controller_)};
    const RoutingCaches caches{vm_informer_->store(), host_informer_->store(),
                               tenant_informer_->store(), quota_informer_->store()};
    vm_informer_->add_event_handlers(vm_events(caches, queues));
    host_informer_->add_event_handlers(host_events(caches, queues));
    tenant_informer_->add_event_handlers(tenant_events(caches, queues));
    quota_informer_->add_event_handlers(quota_events(caches, queues));
    namespace_informer_->add_event_handlers(tenant_labelled_events(queues.tenant));
    role_binding_informer_->add_event_handlers(tenant_labelled_events(queues.tenant));
    migration_informer_->add_event_handlers(migration_events(
        [this](const std::string& key) { migration_controller_.queue().add(key); }));
    host_reconciler_.on_vm_drift([this, queues](const std::string& vm) {
      vm_reconciler_.note_drift(vm);
      queues.vm(vm);
    });
  }

  Status start_endpoints() {
    health_.add_health_check("ping", [] { return OkStatus(); });
    for (auto* informer : informers()) {
      health_.add_ready_check("informer-" + informer->resource().resource,
                              kube::informer_synced(*informer));
    }
    for (const BindAddress* address : {&options_.metrics, &options_.health}) {
      if (!address->enabled)
        continue;
      const std::string host = address->host.empty() ? "0.0.0.0" : address->host;
      auto server = kube::HealthServer::start(host, address->port, health_);
      if (!server.ok())
        return server.error();
      servers_.push_back(std::move(server).value());
    }
    return OkStatus();
  }

  // With leader election, a replica changes nothing (API writes other than its Lease, agent
  // calls that change a host) unless it holds the Lease now: a leader frozen past its renew
  // deadline may wake up with workers mid-pass before its elector notices, while another replica
  // already leads.
  void fence_writes() {
    if (!options_.leader_elect)
      return;
    rest_.set_write_fence([this](const net::HttpRequest& request) {
      if (request.path.rfind("/apis/coordination.k8s.io/", 0) == 0)
        return OkStatus();  // the elector's own Lease writes
      return may_write();
    });
    connector_.set_write_fence([this] { return may_write(); });
    // The fence above is checked before a call is handed to the HTTP client; a process frozen
    // after that sends it late. The agents refuse such a call themselves, by the Lease epoch
    // every call carries (hostagent/protocol/lease_epoch.h).
    connector_.set_lease_epoch([this] { return lease_epoch(); },
                               [this](const AgentError& refusal) { superseded(refusal); });
  }
  std::optional<agent::LeaseEpoch> lease_epoch() const {
    const kube::LeaderElector* elector = elector_view_.load();
    const auto term = elector ? elector->last_term() : std::nullopt;
    if (!term)
      return std::nullopt;
    return agent::LeaseEpoch{term->transitions, term->holder};
  }
  // An agent refused a call as StaleLeaseEpoch: a later leader has already called it, so this
  // replica no longer leads whatever its elector believes. Nothing more is sent (may_write) and
  // the process winds down as on a lost Lease; not retried, logged once.
  void superseded(const AgentError& refusal) {
    superseded_calls_.inc();
    if (superseded_.exchange(true))
      return;
    spdlog::error("leader_superseded identity={} host={} operation={} error=\"{}\"", identity_,
                  refusal.host, refusal.operation, refusal.message);
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      lost_leadership_ = true;
      stopping_ = true;
      stop_cv_.notify_all();
    }
  }
  Status may_write() const {
    if (superseded_.load()) {
      return Error(ErrorCode::kCancelled,
                   "not sent: an agent has seen a later leader than replica " + identity_);
    }
    const kube::LeaderElector* elector = elector_view_.load();
    if (elector && elector->holds_lease())
      return OkStatus();
    return Error(ErrorCode::kCancelled,
                 "not sent: replica " + identity_ + " does not hold the leader Lease");
  }

  Status start_leader_election() {
    kube::LeaderElectionOptions election;
    election.lease_namespace = options_.leader_election_namespace;
    election.lease_name = options_.leader_election_id;
    election.identity = identity_;
    election.on_started_leading = [this] { start_controllers(); };
    election.on_stopped_leading = [this] {
      stop_controllers();
      std::lock_guard<std::mutex> lock(mu_);
      if (!stopping_) {
        // Another replica leads now; exit so the pod restarts as a clean standby.
        spdlog::error("leader_lost identity={}", identity_);
        lost_leadership_ = true;
        stopping_ = true;
        elector_->request_stop();  // no new campaign while the process winds down
        stop_cv_.notify_all();
      }
    };
    election.on_new_leader = [](const std::string& leader) {
      spdlog::info("leader_observed identity={}", leader);
    };
    elector_ = std::make_unique<kube::LeaderElector>(rest_, std::move(election), registry_);
    elector_view_.store(elector_.get());
    return elector_->start();
  }

  void start_controllers() {
    for (auto* informer : informers()) {
      if (!informer->wait_for_sync())
        return;  // stopping
    }
    spdlog::info(
        "controllers_starting vmWorkers={} hostWorkers={} kubeApiQps={} kubeApiBurst={} "
        "agentOperationWaitMs={} agentMaxInflightPerHost={}",
        options_.vm_workers, options_.host_workers, options_.kube_api_qps, options_.kube_api_burst,
        options_.agent_operation_wait.count(), options_.agent_max_inflight_per_host);
    agent_operations_.start();
    for (auto* controller : controllers())
      controller->start();
  }
  void stop_controllers() {
    for (auto* controller : controllers())
      controller->stop();
    agent_operations_.stop();  // after the workers that track() into it
  }

  void wait_for_stop() {
    std::unique_lock<std::mutex> lock(mu_);
    stop_cv_.wait(lock, [this] { return stopping_; });
  }

  void shutdown() {
    spdlog::info("operator_stopping identity={}", identity_);
    // stop() on a leader stops the controllers first, then releases the Lease.
    if (elector_)
      elector_->stop();
    stop_controllers();
    secrets_.stop();
    for (auto* informer : informers())
      informer->stop();
    recorder_.flush();
    for (auto& server : servers_)
      server->stop();
    spdlog::info("operator_stopped identity={}", identity_);
  }

  const OperatorOptions options_;
  const std::string identity_;
  metrics::Registry registry_;
  kube::RestClient rest_;
  RestClusterApi api_;
  ApiSecretSource api_secrets_;
  // Host credentials, watched in the namespaces hosts name; a change requeues those hosts.
  SecretCache secrets_;
  kube::EventRecorder recorder_;
  RecorderEventSink events_;
  AgentClientMetrics agent_metrics_;
  HttpAgentConnector connector_;
  AgentClientCache agents_;
  ReservationLedger ledger_;  // fed by the VM cache: before the informers, after it in teardown
  VmPhaseCounts vm_phases_;   // the same, for the metrics
  VmObservations vm_observations_;  // the same, for the host monitor's drift check
  std::unique_ptr<kube::SharedInformer> vm_informer_;
  std::unique_ptr<kube::SharedInformer> host_informer_;
  std::unique_ptr<kube::SharedInformer> tenant_informer_;
  std::unique_ptr<kube::SharedInformer> quota_informer_;
  std::unique_ptr<kube::SharedInformer> namespace_informer_;
  std::unique_ptr<kube::SharedInformer> role_binding_informer_;
  std::unique_ptr<kube::SharedInformer> migration_informer_;
  VirtualMachineReconciler vm_reconciler_;
  HyperVHostReconciler host_reconciler_;
  TenantReconciler tenant_reconciler_;
  QuotaReconciler quota_reconciler_;
  MigrationReconciler migration_reconciler_;
  kube::Controller vm_controller_;
  kube::Controller host_controller_;
  kube::Controller tenant_controller_;
  kube::Controller quota_controller_;
  kube::Controller migration_controller_;
  // The VM reconciler's agent side (it holds references; they are used once the controllers
  // start). Declared after the controllers, so the poller stops before the queue it wakes goes
  // away.
  HostCallLimiter agent_calls_;       // --agent-max-inflight-per-host
  AgentOperations agent_operations_;  // wakes the VM whose operation ended
  kube::HealthEndpoints health_;
  std::vector<std::unique_ptr<kube::HealthServer>> servers_;
  std::unique_ptr<kube::LeaderElector> elector_;
  std::atomic<const kube::LeaderElector*> elector_view_{nullptr};  // for the write fence

  std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  bool lost_leadership_ = false;
  std::atomic<bool> superseded_{false};  // an agent refused this replica's Lease epoch
  metrics::Counter& superseded_calls_;
};

}  // namespace

Result<std::unique_ptr<OperatorApp>> OperatorApp::create(const OperatorOptions& options) {
  kube::ConfigSource source;
  source.kubeconfig = options.kubeconfig;
  auto config = kube::load_client_config(source);
  if (!config.ok())
    return config.error().with_context("client configuration");

  OperatorOptions resolved = options;
  if (resolved.leader_election_namespace.empty())
    resolved.leader_election_namespace = config->namespace_name;

  net::HttpClientConfig http_config;
  http_config.base_url = config->server;
  http_config.tls = config->tls;
  auto http = net::HttpClient::create(http_config);
  if (!http.ok())
    return http.error().with_context("API server client (" + config->origin + ")");
  std::shared_ptr<net::HttpClient> shared_http = std::move(http).value();
  return std::unique_ptr<OperatorApp>(
      new Operator(std::move(resolved), std::move(config).value(), std::move(shared_http)));
}

}  // namespace hvo::operator_app
