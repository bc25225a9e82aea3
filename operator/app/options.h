// The operator's command line and environment, parsed into one value (controller-runtime's flag
// names, so the chart's and the kustomize base's arguments read as for any operator):
//   --kubeconfig PATH                   else KUBECONFIG, in-cluster, ~/.kube/config
//   --leader-elect                      campaign for the Lease before reconciling
//   --leader-election-namespace NS      default: $POD_NAMESPACE, else the client's namespace
//   --leader-election-id NAME           the Lease's name (default hyperv-operator)
//   --metrics-bind-address ADDR         default :8080 ("0" turns the endpoint off)
//   --health-probe-bind-address ADDR    /healthz and /readyz, default :8081
//   --log-format text|json, --log-level trace|debug|info|warn|error
//   --vm-workers N (8), --host-workers N (2), --tenant-workers N (1), --quota-workers N (1)
//   --kube-api-qps Q (300), --kube-api-burst N (600)  the API client's token bucket
//   --host-poll-interval D (30s), --host-heartbeat-timeout D (2m), --agent-timeout D (30s)
//   --host-heartbeat-interval D (5m)    how often an idle host's lastHeartbeatTime is written
//   --agent-operation-wait D (0)        waitMs sent with mutating agent calls
//   --agent-max-inflight-per-host N (8) agent calls in flight per host
//   --tenant-admin-cluster-role NAME    default hyperv-operator-tenant-admin
//   --allow-unclaimed-namespaces        VMs outside every Tenant run (default: refused, NoTenant)
//   --unschedulable-release-after D (5m) an unschedulable VM's reservation is given back (0: never)
// Durations are Go's: "500ms", "30s", "2m", "1m30s". POD_NAME names this replica (the Lease
// holder identity, events' reportingInstance).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "operator/rest_client.h"

namespace hvo::operator_app {

struct BindAddress {
  std::string host;  // "" means every interface
  uint16_t port = 0;
  bool enabled = true;
};

struct OperatorOptions {
  std::string kubeconfig;
  bool leader_elect = false;
  std::string leader_election_namespace;  // empty: decided once the client config is known
  std::string leader_election_id = "hyperv-operator";
  BindAddress metrics{"", 8080, true};
  BindAddress health{"", 8081, true};
  std::string log_format = "text";
  std::string log_level = "info";
  int vm_workers = 8;
  int host_workers = 2;
  int tenant_workers = 1;
  int quota_workers = 1;
  // The API client's token bucket (client-go's rest.Config QPS/Burst). Every request the
  // operator makes passes it, so it caps writes per second: large installs raise it.
  double kube_api_qps = 300;
  int kube_api_burst = 600;
  std::chrono::milliseconds host_poll_interval{std::chrono::seconds(30)};
  std::chrono::milliseconds host_heartbeat_timeout{std::chrono::minutes(2)};
  // The operator itself times hosts out from its polls; the written heartbeat is for people and
  // for a restarted operator, so it moves seldom (kubelet's status report interval is also 5m).
  std::chrono::milliseconds host_heartbeat_interval{std::chrono::minutes(5)};
  std::chrono::milliseconds agent_timeout{std::chrono::seconds(30)};
  // How long an agent may hold an ensure, power or remove before answering 202 with an
  // operation id (sent as waitMs; the agent's limits.operationWaitMs caps it). 0: at once, so a
  // VM worker never waits on an agent; the operation is polled in the background.
  std::chrono::milliseconds agent_operation_wait{0};
  // Calls to one agent in flight at once; a VM that finds no free slot is requeued shortly.
  int agent_max_inflight_per_host = 8;
  std::string tenant_admin_cluster_role = "hyperv-operator-tenant-admin";
  bool allow_unclaimed_namespaces = false;
  std::chrono::milliseconds unschedulable_release_after{std::chrono::minutes(5)};
  std::string pod_name;       // $POD_NAME
  std::string pod_namespace;  // $POD_NAMESPACE
  bool show_help = false;
};

using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// Parses argv (without the program name). Both "--flag=value" and "--flag value" are accepted;
// a boolean flag takes "=true|false" or nothing. Errors are kInvalidArgument naming the flag.
Result<OperatorOptions> parse_options(const std::vector<std::string>& args, const EnvLookup& env);

// "1m30s" → 90000 ms; nullopt when not a duration.
std::optional<std::chrono::milliseconds> parse_duration(const std::string& text);
// ":8080", "127.0.0.1:8080", "[::1]:8080", or "0" (off).
std::optional<BindAddress> parse_bind_address(const std::string& text);

std::string usage();

// The REST client's options the flags ask for (rate limit); the rest keep their defaults.
kube::RestClientOptions rest_client_options(const OperatorOptions& options);

}  // namespace hvo::operator_app
