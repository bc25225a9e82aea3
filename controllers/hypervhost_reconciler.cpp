#include "controllers/hypervhost_reconciler.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "controllers/agent_endpoint.h"
#include "controllers/conditions.h"
#include "controllers/inventory_drift.h"
#include "controllers/kinds.h"

namespace hvo::controllers {

HyperVHostReconciler::HyperVHostReconciler(const kube::Store& hosts,
                                           const ReservationLedger& ledger,
                                           const VmObservations& vms, ClusterApi& api,
                                           SecretSource& secrets, AgentClientCache& agents,
                                           EventSink& events, HostReconcilerOptions options,
                                           const kube::Clock& clock)
    : hosts_(hosts),
      ledger_(ledger),
      vms_(vms),
      api_(api),
      secrets_(secrets),
      agents_(agents),
      events_(events),
      options_(options),
      clock_(clock) {}

Result<kube::ReconcileResult> HyperVHostReconciler::reconcile(const kube::Request& request) {
  const auto host = hosts_.get(request.name);
  if (!host) {
    // Gone, or it does not decode (DecodedHosts logged why): nothing to poll either way.
    agents_.forget(request.name);
    std::lock_guard<std::mutex> lock(mu_);
    last_contact_.erase(request.name);
    inventories_.erase(request.name);
    return kube::ReconcileResult::done();
  }

  const bool was_ready = k8s::is_true(host->status.conditions, condition_type::kReady);
  std::shared_ptr<AgentClient> client;
  const HostPoll polled = poll(*host, client);
  if (polled.info && client && vm_drift_)
    report_drift(request.name, polled.info->inventory_digest, *client);
  const HostStatusUpdate update = next_host_status(*host, polled, options_.heartbeat);
  if (update.changed) {
    api::HyperVHost next = *host;
    next.status = update.status;
    auto written = api_.update_status(kHyperVHosts, next.to_json());
    if (!written.ok())
      return written.error().with_context("hypervhost " + request.name + ": write status");
  }
  if (update.ready != was_ready) {
    const auto* ready = k8s::find_condition(update.status.conditions, condition_type::kReady);
    const std::string reason = ready ? ready->reason : "Unknown";
    const std::string message = ready ? ready->message : "";
    spdlog::info("host_readiness_changed host={} ready={} reason={}", request.name, update.ready,
                 reason);
    events_.record(host->to_json(), update.ready ? "Normal" : "Warning", reason, "Poll", message);
  }
  return kube::ReconcileResult::after(next_poll());
}

void HyperVHostReconciler::report_drift(const std::string& host, const std::string& digest,
                                        AgentClient& client) {
  // What the cache says of the VMs placed here: O(VMs on this host), none of them decoded.
  const std::vector<VmObservation> placed = vms_.on_host(host);
  const bool any_created = std::any_of(placed.begin(), placed.end(),
                                       [](const VmObservation& vm) { return !vm.vm_id.empty(); });
  if (!any_created)
    return;  // nothing the inventory could show as drifted: skip the call and its parse
  const auto inventory = inventory_of(host, digest, client);
  if (!inventory)
    return;
  for (const auto& key : drifted_vms(host, placed, *inventory)) {
    spdlog::info("vm_drift_seen host={} vm={}", host, key);
    vm_drift_(key);
  }
}

std::shared_ptr<const agent::Inventory> HyperVHostReconciler::inventory_of(
    const std::string& host, const std::string& digest, AgentClient& client) {
  if (!digest.empty()) {
    std::lock_guard<std::mutex> lock(mu_);
    const auto kept = inventories_.find(host);
    if (kept != inventories_.end() && kept->second->digest == digest)
      return kept->second;
  }
  auto read = client.inventory();
  if (!read.ok()) {
    spdlog::warn("host_inventory_failed host={} error={}", host, read.error().message);
    return nullptr;
  }
  auto inventory = std::make_shared<const agent::Inventory>(drift_view(std::move(read).value()));
  std::lock_guard<std::mutex> lock(mu_);
  if (inventory->digest.empty())
    inventories_.erase(host);  // an agent without digests: read at every poll
  else
    inventories_[host] = inventory;
  return inventory;
}

HostPoll HyperVHostReconciler::poll(const api::HyperVHost& host,
                                    std::shared_ptr<AgentClient>& client) {
  HostPoll poll;
  poll.now = k8s::Time(clock_.wall_now());
  poll.allocated = ledger_.allocated(host.metadata.name);

  auto built = agent_client(secrets_, agents_, host);
  if (!built.ok()) {
    poll.failure_reason = "InvalidCredentials";
    poll.failure_message = built.error().message();
  } else {
    client = std::move(built).value();
    auto info = client->host_info();
    if (!info.ok()) {
      poll.failure_reason =
          info.error().failure == AgentFailure::kRejected ? "AgentError" : "AgentUnreachable";
      poll.failure_message = info.error().message;
    } else {
      poll.info = std::move(info).value();
    }
  }
  if (!poll.info) {
    spdlog::warn("host_poll_failed host={} reason={} error={}", host.metadata.name,
                 poll.failure_reason, poll.failure_message);
  }
  record_contact(host, poll);
  return poll;
}

void HyperVHostReconciler::record_contact(const api::HyperVHost& host, HostPoll& poll) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto remembered = last_contact_.find(host.metadata.name);
  poll.first_since_start = remembered == last_contact_.end();
  if (poll.info) {
    last_contact_[host.metadata.name] = poll.now;
    poll.last_contact = poll.now;
  } else if (remembered != last_contact_.end()) {
    poll.last_contact = remembered->second;
  } else if (k8s::is_true(host.status.conditions, condition_type::kReady)) {
    // Ready when the last operator looked, and not reached by this one yet: it gets the whole
    // timeout from this first look, as Kubernetes' node lifecycle controller gives a node it
    // first sees. The recorded heartbeat is up to --host-heartbeat-interval old by design and
    // says little about the last minutes. Remembered as the contact, so the timeout runs.
    last_contact_[host.metadata.name] = poll.now;
    poll.last_contact = poll.now;
  } else {
    // Not Ready already: the recorded heartbeat keeps the reason it was given.
    poll.last_contact = host.status.last_heartbeat_time;
  }
}

kube::Duration HyperVHostReconciler::next_poll() {
  std::lock_guard<std::mutex> lock(mu_);
  std::uniform_real_distribution<double> factor(0.9, 1.1);
  return std::chrono::duration_cast<kube::Duration>(options_.poll_interval * factor(jitter_));
}

}  // namespace hvo::controllers
