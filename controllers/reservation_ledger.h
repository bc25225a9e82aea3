// What every VirtualMachine holds (its quota reservation, its host, its anti-affinity group),
// summed per namespace and per host as the VM cache changes, so that admitting or placing a VM
// costs O(namespaces of its tenant × hosts), never O(VMs).
//
// The sums follow the cache through a kube::Store observer (fed in the same step as the store,
// so they are never behind it), with this process's own writes laid over them until the cache
// shows them: the VM controller's expectations (KubeVirt's ControllerExpectations, keyed by
// resourceVersion rather than counted):
//   expect()   before a status write, what the VM will hold: counted at once, so the next
//              admission or placement sees it even while the cache lags;
//   wrote()    after the write: the version it replaced is stale. A pass that starts from a
//              stale version is skipped (cache_behind()); its watch event brings the VM back;
//   withdraw() the write failed: back to what was counted before.
// An expectation is dropped when the cache shows a version that is not stale (ours, or a newer
// one), or when the VM leaves the cache.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/k8s/json_codec.h"
#include "controllers/quota_ledger.h"
#include "controllers/resources.h"
#include "operator/store.h"

namespace hvo::controllers {

// What one VM holds, read from its JSON (no decode).
struct VmHolding {
  std::string ns;
  std::string host;                 // status.host; empty before placement
  std::optional<QuotaUsage> usage;  // status.allocated while QuotaReserved=True
  ResourceAmounts amounts;          // the same reservation in host units (zero without one)
  std::string anti_affinity_group;  // spec.placement.antiAffinityGroup
  // Provisioned=True: the agent has created the VM. Until then its reservation is in flight
  // (Quota.status.reserved reports those apart).
  bool provisioned = false;
  // The host a live migration is moving the VM to (status.migration.targetHost while the
  // migration is Scheduling or Running): the VM's amounts and anti-affinity group count there
  // too, so nothing else takes the room it lands in. Quota counts the VM once, at `host`.
  std::string migration_target;
};
VmHolding vm_holding(const k8s::Json& vm);

// What a set of VMs holds: every reservation (used), and the part not yet provisioned.
struct ReservedTally {
  QuotaUsage used;
  QuotaUsage in_flight;
};

class ReservationLedger {
 public:
  // Feeds the ledger from the VM cache; register before the informer starts.
  kube::StoreObserver observer();

  // --- This process's writes (see above). `expect` returns what was expected before, for
  // withdraw().
  std::optional<VmHolding> expect(const std::string& key, const VmHolding& holding);
  void withdraw(const std::string& key, const std::optional<VmHolding>& previous);
  void wrote(const std::string& key, const std::string& replaced_version,
             const std::string& written_version);
  bool cache_behind(const std::string& key, const std::string& cached_version) const;

  // --- Sums, expectations included.
  // What the VM counts as now (cache or expectation); nullopt for an unknown VM.
  std::optional<VmHolding> holding(const std::string& key) const;
  // Reservations of the VMs in `namespaces` on the hosts `counts` accepts ("" is unplaced).
  QuotaUsage reserved(const std::vector<std::string>& namespaces,
                      const std::function<bool(const std::string& host)>& counts) const;
  // The same with the in-flight part (Quota and Tenant status): O(namespaces × hosts).
  ReservedTally tally(const std::vector<std::string>& namespaces,
                      const std::function<bool(const std::string& host)>& counts) const;
  // What the VMs placed on `host` take there.
  ResourceAmounts allocated(const std::string& host) const;
  // Whether a VM of anti-affinity `group` is placed on `host`.
  bool runs_group(const std::string& host, const std::string& group) const;
  // How many VMs of namespace `ns` hold a reservation on each host (zone spreading):
  // O(hosts of the namespace).
  std::map<std::string, std::int64_t> vms_by_host(const std::string& ns) const;

  // Held while a VM of `tenant` is admitted, so two VMs never both take the last unit; then
  // the placement lock while a host is chosen. In that order; never across an API call.
  std::mutex& tenant_lock(const std::string& tenant);
  std::mutex& placement_lock() { return placement_mu_; }

 private:
  struct Entry {
    std::optional<VmHolding> cached;
    std::optional<VmHolding> expected;
    bool write_in_flight = false;  // expect()ed, not yet wrote() or withdraw()n
    std::set<std::string> stale;   // versions this process wrote over
    std::string cached_version;
  };
  const VmHolding* effective(const Entry& entry) const;
  void add_locked(const VmHolding& holding, int sign);
  // Applies `change` to the entry of `key`, keeping the sums in step.
  template <typename Change>
  void change_locked(const std::string& key, Change change);
  void on_cache_change(const std::string& key, const kube::ObjectPtr& current);

  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;
  // namespace → host ("" while unplaced) → reserved
  std::map<std::string, std::map<std::string, ReservedTally>> reserved_;
  std::map<std::string, ResourceAmounts> host_allocated_;
  std::map<std::string, std::map<std::string, int>> host_groups_;  // host → group → VMs

  std::mutex locks_mu_;
  std::map<std::string, std::mutex> tenant_locks_;
  std::mutex placement_mu_;
};

}  // namespace hvo::controllers
