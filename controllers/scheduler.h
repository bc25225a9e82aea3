// Placement of one VirtualMachine on a HyperVHost: filters, then a score, as a pure function of
// plain structs (the reconciler builds them from its caches). When no host fits, the decision
// says why per host, grouped the way kube-scheduler does:
//   "0/3 hosts fit: 2 lack 8Gi free memory, 1 lacks image rocky-10"
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/k8s/json_codec.h"
#include "api/k8s/selector.h"
#include "controllers/resources.h"

namespace hvo::controllers {

enum class PlacementStrategy {
  kBinPack,  // fill the fullest host that fits: keeps whole hosts free for large VMs
  kSpread,   // use the emptiest host: spreads failure domains and noisy neighbours
};

// How far apart the VMs of one anti-affinity group stay.
enum class AntiAffinityTopology {
  kHost,  // never two on one host
  kZone,  // never two in one zone (a host without a zone is a zone of its own)
};

// What the scheduler knows of one host.
struct HostSnapshot {
  std::string name;
  k8s::StringMap labels;
  std::string zone;  // spec.zone; empty: none (see zone_spread.h)
  // A host registered moments ago whose agent has not been polled yet (no Ready condition): its
  // capacity is unknown, not zero. Placing around it would pile VMs onto the hosts that happened
  // to report first (seen in the demo: two VMs on hv-01 of three equal hosts), so a VM that
  // such a host could take waits for it instead (PlacementDecision::awaiting).
  bool awaiting_first_report = false;
  bool ready = false;
  // False while the host's last poll failed (Reachable=False): Ready stays True for the heartbeat
  // timeout, but a VM placed there would wait for the host instead of starting elsewhere.
  bool reachable = true;
  bool unschedulable = false;
  bool maintenance = false;
  std::set<std::string> capabilities;  // the agent's spelling: "secureBoot", "tpm", ...
  std::set<std::string> images;
  std::set<std::string> switches;
  ResourceAmounts allocatable;  // capacity after reserved and overcommit
  ResourceAmounts allocated;    // taken by the VMs placed there, not counting the one to place
  std::set<std::string> anti_affinity_groups;  // groups of the VMs already placed there
  // VMs of the placed VM's namespace already there: Spread balances them over zones. Filled
  // per placement, only for Spread.
  std::int64_t namespace_vms = 0;
  // Set when placing the VM here would exceed a Quota scoped to this host by its hostSelector
  // (QuotaDenial::message, "quota team-a-ssd: memory used 28Gi + requested 8Gi exceeds hard
  // 32Gi"); the reconciler fills it, as only it knows the tenant's other VMs.
  std::optional<std::string> quota_denial;
};

// What the VM to place needs.
struct PlacementRequest {
  ResourceAmounts requested;
  std::set<std::string> capabilities;  // required host capabilities
  std::string image;                   // empty: no base image
  std::set<std::string> switches;      // every switch a NIC connects to
  std::string pinned_host;             // spec.placement.host; empty: any host
  k8s::Selector host_selector;         // spec.placement.hostSelector (everything when absent)
  k8s::Selector tenant_host_selector;  // the tenant's hostSelector (everything when absent)
  PlacementStrategy strategy = PlacementStrategy::kBinPack;
  std::string anti_affinity_group;  // empty: none
  AntiAffinityTopology anti_affinity_topology = AntiAffinityTopology::kHost;
};

// Why a host was filtered out, in singular and plural, so that counts read naturally.
struct Unfit {
  std::string singular;  // "lacks image rocky-10"
  std::string plural;    // "lack image rocky-10"
};

struct HostVerdict {
  std::string host;
  std::optional<Unfit> unfit;  // empty: the host fits
  double score = 0;            // higher is better; meaningful only when it fits
};

struct PlacementDecision {
  std::optional<std::string> host;  // the chosen host, if any fits
  // Hosts that have not reported yet and that the VM's pin and selectors allow: no host is
  // chosen until they report (message: "waiting for hv-03 to report its capacity").
  std::vector<std::string> awaiting;
  std::string message;                // "0/3 hosts fit: ..." or "placed on hv-02 (BinPack)"
  std::vector<HostVerdict> verdicts;  // one per host, in input order
};

// Filters run in this order and a host is reported under the first one it fails: Ready,
// unschedulable, maintenance, pinned host, placement.hostSelector, tenant hostSelector,
// capabilities, image, switches, anti-affinity (by host or by zone), CPU, memory, storage,
// host-scoped quota. Spread ranks the fitting hosts by zone first (zone_spread.h), then by score.
// Ties go to the host whose name sorts first, so the same inputs always give the same host.
// A host awaiting its first report is judged by the pin and the selectors only: if it passes
// them, the decision waits for it (whatever the other hosts offer).
PlacementDecision schedule(const PlacementRequest& request, const std::vector<HostSnapshot>& hosts);

}  // namespace hvo::controllers
