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
#include <functional>
#include <map>
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
  QuotaUsage& operator-=(const QuotaUsage& other) {
    vcpus -= other.vcpus;
    memory -= other.memory;
    storage -= other.storage;
    vms -= other.vms;
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

// Whether `quota` counts VMs on `host` ("" before placement): every host, or the hosts its
// selector matches.
bool quota_counts_host(const QuotaSnapshot& quota, const std::string& host,
                       const HostLabels& hosts);

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

// The same check with what each quota already counts given by `used` (sums kept as VMs change,
// so an admission costs O(quotas), not O(VMs of the tenant)).
using QuotaUsed = std::function<QuotaUsage(const QuotaSnapshot& quota)>;
std::optional<QuotaDenial> check_admission_with_usage(
    const std::string& tenant, const QuotaUsage& request, const std::string& host,
    const std::vector<QuotaSnapshot>& quotas, const QuotaUsed& used, const HostLabels& hosts);

}  // namespace hvo::controllers
