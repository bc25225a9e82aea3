// Quota accounting, with etcd as the only ledger: what a tenant uses is the sum of the
// reservations recorded on its VirtualMachines' statuses (QuotaReserved=True, status.allocated).
// Nothing here is stored elsewhere; after a restart it is recomputed from the VMs.
//
// Admission is checked against every Quota of the tenant (all must hold). A Quota with a
// hostSelector counts only VMs on matching hosts, and constrains a VM only once its host is known:
// the VirtualMachine reconciler checks the tenant-wide quotas before placement and the
// host-scoped ones for every candidate host while placing (a host whose scoped quota has no room
// is filtered out, "would exceed quota ...").
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/k8s/json_codec.h"
#include "api/k8s/selector.h"

namespace hvo::controllers {

// Amounts in quota units: vCPUs, bytes, bytes, VM count.
struct QuotaUsage {
  std::int64_t vcpus = 0;
  std::int64_t memory = 0;
  std::int64_t storage = 0;
  std::int64_t vms = 0;

  QuotaUsage& operator+=(const QuotaUsage& other) {
    vcpus += other.vcpus;
    memory += other.memory;
    storage += other.storage;
    vms += other.vms;
    return *this;
  }
  friend bool operator==(const QuotaUsage& a, const QuotaUsage& b) {
    return a.vcpus == b.vcpus && a.memory == b.memory && a.storage == b.storage && a.vms == b.vms;
  }
};

// spec.hard: an absent amount is unlimited.
struct QuotaLimits {
  std::optional<std::int64_t> vcpus;
  std::optional<std::int64_t> memory;
  std::optional<std::int64_t> storage;
  std::optional<std::int64_t> vms;
};

struct QuotaSnapshot {
  std::string name;
  std::string tenant;
  QuotaLimits hard;
  std::optional<k8s::Selector> host_scope;  // spec.hostSelector; empty: every host
};

// One VM's recorded reservation.
struct VmCharge {
  std::string vm;  // "namespace/name"
  std::string tenant;
  std::string host;  // empty while not yet placed
  QuotaUsage usage;
  // The agent has created the VM; until then the charge is a reservation in flight (reported
  // apart in Quota.status.reserved, and counted in used like any other).
  bool provisioned = false;
};

// Labels of a host by name, for host-scoped quotas; absent when the host is unknown.
using HostLabels = std::map<std::string, k8s::StringMap>;

// What `quota` counts of `charges`: the tenant's VMs, and for a host-scoped quota only those on
// hosts its selector matches.
QuotaUsage used_by(const QuotaSnapshot& quota, const std::vector<VmCharge>& charges,
                   const HostLabels& hosts);

struct QuotaDenial {
  std::string quota;
  std::string resource;  // vcpus, memory, storage, vms
  std::int64_t used = 0;
  std::int64_t requested = 0;
  std::int64_t hard = 0;
  // "quota team-a: memory used 14Gi + requested 4Gi exceeds hard 16Gi"
  std::string message;
};

// Whether `request` for a VM of `tenant` fits every quota of that tenant, given the other VMs'
// charges (the VM itself must not be among them). `host` is the chosen host, or empty before
// placement (host-scoped quotas are then not checked). The first quota (by name) and resource
// (vcpus, memory, storage, vms) that would be exceeded is reported.
std::optional<QuotaDenial> check_admission(const std::string& tenant, const QuotaUsage& request,
                                           const std::string& host,
                                           const std::vector<QuotaSnapshot>& quotas,
                                           const std::vector<VmCharge>& charges,
                                           const HostLabels& hosts);

// Reservations written to the API but perhaps not yet seen by the informer cache. The
// VirtualMachine controller admits one VM of a tenant at a time (tenant_lock) and records each
// reservation here before releasing the lock and writing the status (restored if the write
// fails), so the next admission counts it even when the cache lags, and the lock is never held
// across an API round trip. A failed write briefly over-counts, which can only refuse, never
// over-admit. Keyed by VM: a VM present both in the cache and here counts once (this entry wins,
// as it is newer). Entries are dropped once the cache shows the same amounts on the same host,
// or on release (the VM's reservation was given back, or the VM is gone).
class PendingReservations {
 public:
  void record(const VmCharge& charge);
  void release(const std::string& vm);
  std::optional<VmCharge> find(const std::string& vm);
  // Records `charge` and returns what was pending for its VM before, for restore() when the
  // status write that should carry the charge fails.
  std::optional<VmCharge> record_returning_previous(const VmCharge& charge);
  void restore(const std::string& vm, const std::optional<VmCharge>& previous);

  // The cache's charges with pending ones overlaid; drops pending entries the cache now shows.
  std::vector<VmCharge> overlay(std::vector<VmCharge> from_cache);

  // Held while a VM of `tenant` is being admitted: two VMs can never both take the last unit.
  std::mutex& tenant_lock(const std::string& tenant);

 private:
  std::mutex mu_;
  std::map<std::string, VmCharge> pending_;
  std::map<std::string, std::mutex> tenant_locks_;
};

}  // namespace hvo::controllers
