// A whole hyperv-operator installation for end-to-end tests, as real processes: etcd and
// apiserver-lite (hvo::testing::ControlPlane) with the project's CRDs, N simulated Hyper-V hosts
// (`hyperv-agent` with the sim driver, each with its own temp state dir, mTLS material from
// `hyperv-agent certs`, credentials Secret and HyperVHost object), and the `hyperv-operator`
// binary with short poll intervals. Agents and the operator can be killed with SIGKILL and
// started again on the same ports and state, so tests can observe crashes and recoveries.
//
//   hvo::testing::OperatorCluster cluster;            // throws std::runtime_error on failure
//   cluster.apply(vm_yaml);
//   auto vm = cluster.get("virtualmachines", "team-a", "web-1");
//   auto uids = cluster.agent(0).inventory_uids();
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/net/http_client.h"
#include "common/process/process.h"
#include "tests/support/control_plane.h"

namespace hvo::testing {

using nlohmann::json;

// The labels a simulated host carries; hosts alternate like tools/devcluster's: odd-numbered
// hosts are rack-a/ssd, even-numbered ones rack-b/hdd.
struct SimHostShape {
  std::string name;     // hv-01, hv-02, ...
  std::string zone;     // topology.kubernetes.io/zone and spec.zone
  std::string storage;  // hyperv.operator.io/storage
};

// Hosts whose agents run the hyperv driver instead of the sim driver: real pwsh runs the real
// scripts (hostagent/scripts) against the Hyper-V rules model (tests/agent/hyperv-model), one
// model state per host, seeded with the sim hosts' switches and images. The sim-only test
// endpoints (edit_vm, set_faults) are not there: tests change the model instead (model_env()).
struct HypervModelHosts {
  std::string pwsh;  // the PowerShell 7 binary
};

struct OperatorClusterOptions {
  int hosts = 3;
  // Operator flags.
  std::chrono::milliseconds host_poll_interval{std::chrono::seconds(1)};
  std::chrono::milliseconds host_heartbeat_timeout{std::chrono::seconds(60)};
  int vm_workers = 4;
  // --agent-timeout: one agent call's deadline (pwsh behind the hyperv driver needs more).
  std::chrono::milliseconds agent_timeout{std::chrono::seconds(10)};
  // Sim host latencies (milliseconds): short, but non-zero so VMs pass through Starting.
  int64_t create_ms = 20;
  int64_t start_ms = 200;
  int64_t stop_ms = 200;
  // Live migration between the sim hosts: a fabric folder shared by all agents (sim.fabricDir,
  // under the cluster's directory) and how long a move copies.
  bool sim_fabric = false;
  int64_t migrate_ms = 0;
  int host_cpu = 32;
  int64_t host_memory_bytes = 128LL << 30;
  bool start_operator = true;
  // Set: every host's agent runs the hyperv driver on the Hyper-V rules model.
  std::optional<HypervModelHosts> hyperv_model;
  // Users besides the admin and the operator, with tokens (plane().token_of), e.g. tenant admins.
  std::vector<TestUser> users;
};

// One `hyperv-agent` process with the sim driver (or the hyperv driver on the model), its config,
// certificates and state in a directory of its own. The port and the state survive kill() +
// start().
class SimAgent {
 public:
  SimAgent(SimHostShape shape, const std::string& dir, const OperatorClusterOptions& options);
  ~SimAgent();
  SimAgent(const SimAgent&) = delete;
  SimAgent& operator=(const SimAgent&) = delete;

  const std::string& name() const { return shape_.name; }
  const SimHostShape& shape() const { return shape_; }
  // Where its config, certificates (ca.crt, client.crt, client.key) and token live.
  const std::string& dir() const { return dir_; }
  const std::string& token() const { return token_; }
  uint16_t port() const { return port_; }
  // The running process's id; 0 when not running.
  int pid() const { return process_ ? process_->pid() : 0; }
  std::string address() const;
  // The Secret manifest (YAML) `hyperv-agent certs` printed.
  const std::string& secret_manifest() const { return secret_manifest_; }
  // The HyperVHost manifest (YAML) pointing at this agent.
  std::string host_manifest() const;
  // With the hyperv driver: the model's loading contract (PSModulePath, HVMODEL_STATE, ...) the
  // agent runs with, for pwsh calls of a test on the same host; empty with the sim driver.
  const std::map<std::string, std::string>& model_env() const { return model_env_; }

  // Starts the process and waits until /healthz answers. Throws on failure.
  void start();
  // SIGKILL, then reaps it.
  void kill();
  bool running();

  // GET /v1/vms: the inventory's `vms` array. Throws when the agent does not answer.
  json inventory();
  // The uids of the managed VMs.
  std::vector<std::string> inventory_uids();
  // GET /v1/vms/{uid}; nullopt on 404.
  std::optional<json> vm(const std::string& uid);
  // DELETE /v1/vms/{uid} behind the operator's back. Throws unless the agent accepted it.
  void delete_vm(const std::string& uid);
  // POST /v1/sim/vms/{uid}/edit: a hand edit of the VM on the host (sim_faults_json.h). Throws
  // unless the agent accepted it.
  void edit_vm(const std::string& uid, const json& edit);
  // PUT /v1/sim/faults. Throws unless the agent accepted it.
  void set_faults(const json& faults);
  // GET /v1/host.
  json host();
  // GET /metrics: the exposition text. Throws when the agent does not answer 200.
  std::string metrics();
  // The agent's log so far (stdout and stderr).
  std::string log() const;

 private:
  net::HttpResponse call(const std::string& method, const std::string& path,
                         const std::string& body = "");

  SimHostShape shape_;
  std::string dir_;
  uint16_t port_ = 0;
  std::string token_;
  std::string secret_manifest_;
  std::map<std::string, std::string> model_env_;
  std::optional<process::Process> process_;
  std::unique_ptr<net::HttpClient> client_;
};

class OperatorCluster {
 public:
  explicit OperatorCluster(OperatorClusterOptions options = {});
  ~OperatorCluster();
  OperatorCluster(const OperatorCluster&) = delete;
  OperatorCluster& operator=(const OperatorCluster&) = delete;

  ControlPlane& plane() { return plane_; }
  const std::string& dir() const { return plane_.dir(); }
  SimAgent& agent(std::size_t index) { return *agents_.at(index); }
  SimAgent& agent(const std::string& host_name);
  std::size_t agent_count() const { return agents_.size(); }

  // Starts the operator and waits until /readyz answers 200 (informers synced). Throws.
  void start_operator();
  // SIGKILL, then reaps it.
  void kill_operator();
  bool operator_running();
  // The operator's process id (0 when it does not run), e.g. to read /proc/<pid>/status.
  int operator_pid() const { return operator_ ? operator_->pid() : 0; }
  std::string operator_log() const;

  KubectlResult kubectl(const std::vector<std::string>& args, const std::string& input = "",
                        std::chrono::milliseconds timeout = std::chrono::seconds(120)) const {
    return plane_.kubectl(args, input, timeout);
  }
  // `kubectl apply -f -` with `manifests` (YAML, several documents allowed). Throws on failure.
  void apply(const std::string& manifests) const;

  // GET an object of the hyperv.operator.io group (plural resource) through the REST API;
  // nullopt when it does not exist. `ns` empty for cluster-scoped kinds.
  std::optional<json> get(const std::string& plural, const std::string& ns,
                          const std::string& name);
  // LIST the items of a plural resource of the group in `ns` (empty: all namespaces).
  std::vector<json> list(const std::string& plural, const std::string& ns = "");
  // The Events (events.k8s.io/v1, as the operator writes them) of namespace `ns`.
  std::vector<json> events(const std::string& ns);
  // JSON merge patch of the object's spec (or anything else). Throws on failure.
  void merge_patch(const std::string& plural, const std::string& ns, const std::string& name,
                   const json& patch);

  // Uids of every VM on every agent (duplicates kept, so tests can find them).
  std::vector<std::string> all_agent_uids();
  // Which agent holds the VM with this uid; empty when none.
  std::string host_of_uid(const std::string& uid);

 private:
  std::string object_path(const std::string& plural, const std::string& ns,
                          const std::string& name) const;

  OperatorClusterOptions options_;
  ControlPlane plane_;
  std::vector<std::unique_ptr<SimAgent>> agents_;
  std::optional<process::Process> operator_;
  uint16_t metrics_port_ = 0;
  uint16_t health_port_ = 0;
  std::unique_ptr<net::HttpClient> api_;
};

// The condition of `type` in object.status.conditions; nullopt when absent.
std::optional<json> find_condition(const json& object, const std::string& type);
// Whether that condition has status "True" (false when absent).
bool condition_is(const json& object, const std::string& type, const std::string& status);

// Polls `done` every 200 ms until it holds or `bound` passed; returns whether it held.
bool eventually(const std::function<bool()>& done,
                std::chrono::milliseconds bound = std::chrono::seconds(90));

// The hyperv-agent and hyperv-operator binaries of this build tree.
std::string agent_binary();
std::string operator_binary();

}  // namespace hvo::testing
