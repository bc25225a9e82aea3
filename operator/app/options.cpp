#include "operator/app/options.h"

#include <cctype>
#include <map>

namespace hvo::operator_app {
namespace {

Error bad_flag(const std::string& flag, const std::string& problem) {
  return Error(ErrorCode::kInvalidArgument, "--" + flag + ": " + problem);
}

std::optional<int> parse_count(const std::string& text) {
  if (text.empty() || text.size() > 6)
    return std::nullopt;
  for (const char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return std::nullopt;
  }
  return std::stoi(text);
}

// A positive decimal such as "20" or "7.5"; nullopt otherwise.
std::optional<double> parse_rate(const std::string& text) {
  if (text.empty() || text.size() > 12)
    return std::nullopt;
  bool dot = false;
  for (const char c : text) {
    if (c == '.' && !dot) {
      dot = true;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return std::nullopt;
  }
  if (text == ".")
    return std::nullopt;
  const double value = std::stod(text);
  if (value <= 0)
    return std::nullopt;
  return value;
}

// Applies one "--name=value"; `has_value` is false for a bare "--name".
Status apply_flag(OperatorOptions& options, const std::string& name, const std::string& value) {
  const auto duration = [&](std::chrono::milliseconds& out) -> Status {
    auto parsed = parse_duration(value);
    if (!parsed || parsed->count() <= 0)
      return bad_flag(name, "\"" + value + "\" is not a positive duration such as 30s or 2m");
    out = *parsed;
    return OkStatus();
  };
  // A whole number of at least 1; `what` completes "is not ..." in the error.
  const auto at_least_one = [&](int& out, const char* what) -> Status {
    auto parsed = parse_count(value);
    if (!parsed || *parsed < 1)
      return bad_flag(name, "\"" + value + "\" is not " + what);
    out = *parsed;
    return OkStatus();
  };
  const auto workers = [&](int& out) { return at_least_one(out, "a worker count of at least 1"); };
  const auto address = [&](BindAddress& out) -> Status {
    auto parsed = parse_bind_address(value);
    if (!parsed)
      return bad_flag(name, "\"" + value + "\" is not an address such as :8080 or 0 (off)");
    out = *parsed;
    return OkStatus();
  };

  if (name == "kubeconfig") {
    options.kubeconfig = value;
  } else if (name == "leader-elect") {
    if (value != "true" && value != "false")
      return bad_flag(name, "expects true or false, got \"" + value + "\"");
    options.leader_elect = value == "true";
  } else if (name == "leader-election-namespace") {
    options.leader_election_namespace = value;
  } else if (name == "leader-election-id") {
    if (value.empty())
      return bad_flag(name, "must not be empty");
    options.leader_election_id = value;
  } else if (name == "metrics-bind-address") {
    return address(options.metrics);
  } else if (name == "health-probe-bind-address") {
    return address(options.health);
  } else if (name == "log-format") {
    if (value != "text" && value != "json")
      return bad_flag(name, "expects text or json, got \"" + value + "\"");
    options.log_format = value;
  } else if (name == "log-level") {
    options.log_level = value;
  } else if (name == "vm-workers") {
    return workers(options.vm_workers);
  } else if (name == "host-workers") {
    return workers(options.host_workers);
  } else if (name == "tenant-workers") {
    return workers(options.tenant_workers);
  } else if (name == "quota-workers") {
    return workers(options.quota_workers);
  } else if (name == "kube-api-qps") {
    auto parsed = parse_rate(value);
    if (!parsed)
      return bad_flag(name, "\"" + value + "\" is not a positive number of requests per second");
    options.kube_api_qps = *parsed;
  } else if (name == "kube-api-burst") {
    return at_least_one(options.kube_api_burst, "a burst of at least 1 request");
  } else if (name == "host-poll-interval") {
    return duration(options.host_poll_interval);
  } else if (name == "host-heartbeat-timeout") {
    return duration(options.host_heartbeat_timeout);
  } else if (name == "host-heartbeat-interval") {
    return duration(options.host_heartbeat_interval);
  } else if (name == "agent-timeout") {
    return duration(options.agent_timeout);
  } else if (name == "agent-operation-wait") {
    // Zero is the point of this flag (answer at once), so "0" is accepted as Go's parser does.
    auto parsed =
        value == "0" ? std::optional<std::chrono::milliseconds>(0) : parse_duration(value);
    if (!parsed || parsed->count() < 0)
      return bad_flag(name, "\"" + value + "\" is not a duration such as 0, 500ms or 2s");
    options.agent_operation_wait = *parsed;
  } else if (name == "agent-max-inflight-per-host") {
    return at_least_one(options.agent_max_inflight_per_host, "a number of calls of at least 1");
  } else if (name == "tenant-admin-cluster-role") {
    if (value.empty())
      return bad_flag(name, "must not be empty");
    options.tenant_admin_cluster_role = value;
  } else if (name == "allow-unclaimed-namespaces") {
    if (value != "true" && value != "false")
      return bad_flag(name, "expects true or false, got \"" + value + "\"");
    options.allow_unclaimed_namespaces = value == "true";
  } else if (name == "unschedulable-release-after") {
    // "0" keeps reservations of unschedulable VMs for ever, as before the flag existed.
    auto parsed =
        value == "0" ? std::optional<std::chrono::milliseconds>(0) : parse_duration(value);
    if (!parsed || parsed->count() < 0)
      return bad_flag(name, "\"" + value + "\" is not a duration such as 0, 90s or 5m");
    options.unschedulable_release_after = *parsed;
  } else {
    return Error(ErrorCode::kInvalidArgument, "unknown flag --" + name + " (see --help)");
  }
  return OkStatus();
}

bool is_boolean_flag(const std::string& name) {
  return name == "leader-elect" || name == "allow-unclaimed-namespaces";
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(const std::string& text) {
  static const std::map<std::string, double> kUnits = {
      {"ms", 1}, {"s", 1000}, {"m", 60 * 1000}, {"h", 60 * 60 * 1000}};
  if (text.empty())
    return std::nullopt;
  double total = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t digits = at;
    while (digits < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[digits])) || text[digits] == '.'))
      ++digits;
    std::size_t unit_end = digits;
    while (unit_end < text.size() && std::isalpha(static_cast<unsigned char>(text[unit_end])))
      ++unit_end;
    const auto unit = kUnits.find(text.substr(digits, unit_end - digits));
    if (digits == at || unit == kUnits.end())
      return std::nullopt;
    try {
      total += std::stod(text.substr(at, digits - at)) * unit->second;
    } catch (const std::exception&) {
      return std::nullopt;
    }
    at = unit_end;
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(total));
}

std::optional<BindAddress> parse_bind_address(const std::string& text) {
  if (text == "0")
    return BindAddress{"", 0, false};
  const auto colon = text.rfind(':');
  if (colon == std::string::npos)
    return std::nullopt;
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const auto port = parse_count(text.substr(colon + 1));
  if (!port || *port > 65535)
    return std::nullopt;
  return BindAddress{host, static_cast<uint16_t>(*port), true};
}

Result<OperatorOptions> parse_options(const std::vector<std::string>& args, const EnvLookup& env) {
  OperatorOptions options;
  options.pod_name = env("POD_NAME").value_or("");
  options.pod_namespace = env("POD_NAMESPACE").value_or("");

  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      options.show_help = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0)
      return Error(ErrorCode::kInvalidArgument, "unexpected argument \"" + arg + "\"");
    std::string name = arg.substr(2);
    std::string value;
    if (const auto equals = name.find('='); equals != std::string::npos) {
      value = name.substr(equals + 1);
      name = name.substr(0, equals);
    } else if (is_boolean_flag(name)) {
      value = "true";
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return Error(ErrorCode::kInvalidArgument, "--" + name + ": needs a value");
    }
    if (auto applied = apply_flag(options, name, value); !applied.ok())
      return applied.error();
  }
  if (options.agent_operation_wait >= options.agent_timeout) {
    // The agent would hold the call past the client's patience: every mutating call times out.
    return Error(ErrorCode::kInvalidArgument,
                 "--agent-operation-wait (" + std::to_string(options.agent_operation_wait.count()) +
                     "ms) must be shorter than --agent-timeout (" +
                     std::to_string(options.agent_timeout.count()) + "ms)");
  }
  if (options.leader_election_namespace.empty())
    options.leader_election_namespace = options.pod_namespace;
  return options;
}

std::string usage() {
  return R"(Usage: hyperv-operator [flags]

Runs the Hyper-V operator: reconciles VirtualMachine, HyperVHost, Tenant and Quota objects.

  --kubeconfig PATH                 kubeconfig to use (else KUBECONFIG, in-cluster, ~/.kube/config)
  --leader-elect                    hold the Lease before reconciling (run several replicas)
  --leader-election-namespace NS    namespace of the Lease (default: $POD_NAMESPACE)
  --leader-election-id NAME         name of the Lease (default hyperv-operator)
  --metrics-bind-address ADDR       /metrics address (default :8080, 0 turns it off)
  --health-probe-bind-address ADDR  /healthz and /readyz address (default :8081)
  --log-format text|json            (default text)
  --log-level LEVEL                 trace, debug, info, warn, error (default info)
  --vm-workers N                    concurrent VirtualMachine reconciles (default 8)
  --host-workers N                  concurrent host polls (default 2)
  --tenant-workers N, --quota-workers N   (default 1 each)
  --kube-api-qps Q                  API requests per second, sustained (default 300)
  --kube-api-burst N                API requests allowed at once above that rate (default 600)
  --host-poll-interval D            how often each agent is polled (default 30s)
  --host-heartbeat-timeout D        silence after which a host is NotReady (default 2m)
  --host-heartbeat-interval D       how often an idle host's lastHeartbeatTime is written
                                    (default 5m)
  --agent-timeout D                 per agent request (default 30s)
  --agent-operation-wait D          how long an agent may hold an ensure, power or delete before
                                    answering with an operation id (default 0: at once)
  --agent-max-inflight-per-host N   agent calls in flight per host (default 8)
  --tenant-admin-cluster-role NAME  ClusterRole bound to tenant admins
                                    (default hyperv-operator-tenant-admin)
  --allow-unclaimed-namespaces      run VMs in namespaces no Tenant claims, without quota or
                                    tenant policy (default false: refused, reason NoTenant)
  --unschedulable-release-after D   a VM that fits no host for this long gives its quota
                                    reservation back until one fits (default 5m, 0: never)

Environment: POD_NAME (this replica's identity), POD_NAMESPACE (default Lease namespace).
)";
}

kube::RestClientOptions rest_client_options(const OperatorOptions& options) {
  kube::RestClientOptions rest;
  rest.qps = options.kube_api_qps;
  rest.burst = options.kube_api_burst;
  return rest;
}

}  // namespace hvo::operator_app
