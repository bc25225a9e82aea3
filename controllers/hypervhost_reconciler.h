// HyperVHost: polls the host's agent (GET /v1/host) with the credentials from the Secret its
// spec names, and writes the status next_host_status() computes (only when it changed). Each
// reconcile is one poll; the result asks to come back after the poll interval with +-10%
// jitter, so 1,000 hosts do not poll in lockstep. Nothing here touches VMs: when a host's
// readiness flips, the host informer's event wakes the VMs placed on it (event_routing.h), and
// drift in its inventory is reported through `on_vm_drift`.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "controllers/agent_client_cache.h"
#include "controllers/cluster_api.h"
#include "controllers/decoded_hosts.h"
#include "controllers/host_status.h"
#include "controllers/reservation_ledger.h"
#include "controllers/secret_source.h"
#include "controllers/vm_observations.h"
#include "operator/clock.h"
#include "operator/controller.h"
#include "operator/store.h"

namespace hvo::controllers {

struct HostReconcilerOptions {
  std::chrono::seconds poll_interval{30};
  HeartbeatSettings heartbeat;
};

class HyperVHostReconciler : public kube::Reconciler {
 public:
  // Credentials come from `secrets` (in the operator an informer cache, so polls do not GET
  // the Secret; a changed Secret requeues the host through the wiring). What the host's VMs
  // take there comes from `ledger`, what they look like from `vms`; both are fed by the VM
  // cache, so a poll decodes no VM.
  HyperVHostReconciler(const kube::Store& hosts, const ReservationLedger& ledger,
                       const VmObservations& vms, ClusterApi& api, SecretSource& secrets,
                       AgentClientCache& agents, EventSink& events, HostReconcilerOptions options,
                       const kube::Clock& clock = kube::real_clock());

  Result<kube::ReconcileResult> reconcile(const kube::Request& request) override;

  // Called (on a worker thread) with the host's name when its Ready condition flips.
  // When set, each successful poll of a host with created VMs (status.vmId) checks the host's
  // inventory and calls this with the key of every VM placed there that the inventory lacks or
  // shows in another power state (inventory_drift.h), so drift is corrected within a poll, not a
  // VM resync. The inventory (GET /v1/vms) is read only when the digest GET /v1/host reports
  // differs from the one of the inventory kept from an earlier poll (or the agent gives none).
  void on_vm_drift(std::function<void(const std::string& vm_key)> callback) {
    vm_drift_ = std::move(callback);
  }

 private:
  // `client` receives the agent's client when one could be built.
  HostPoll poll(const api::HyperVHost& host, std::shared_ptr<AgentClient>& client);
  void report_drift(const std::string& host, const std::string& digest, AgentClient& client);
  // The host's inventory, drift_view() of it: the one kept while `digest` matches, else read.
  std::shared_ptr<const agent::Inventory> inventory_of(const std::string& host,
                                                       const std::string& digest,
                                                       AgentClient& client);
  // Also sets poll.first_since_start.
  void record_contact(const api::HyperVHost& host, HostPoll& poll);
  kube::Duration next_poll();

  const DecodedHosts hosts_;
  const ReservationLedger& ledger_;
  const VmObservations& vms_;
  ClusterApi& api_;
  SecretSource& secrets_;
  AgentClientCache& agents_;
  EventSink& events_;
  const HostReconcilerOptions options_;
  const kube::Clock& clock_;
  std::function<void(const std::string&)> vm_drift_;

  std::mutex mu_;
  // By host: when its agent last answered (or when this process first looked, for a host that
  // was Ready and did not answer that look).
  std::map<std::string, k8s::Time> last_contact_;
  // by host: the inventory read at an earlier poll, with its digest
  std::map<std::string, std::shared_ptr<const agent::Inventory>> inventories_;
  std::mt19937 jitter_{std::random_device{}()};
};

}  // namespace hvo::controllers
