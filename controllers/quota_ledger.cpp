#include "controllers/quota_ledger.h"

#include <algorithm>

#include "controllers/resources.h"

namespace hvo::controllers {
namespace {

bool counts_host(const QuotaSnapshot& quota, const std::string& host, const HostLabels& hosts) {
  if (!quota.host_scope)
    return true;
  if (host.empty())
    return false;
  auto it = hosts.find(host);
  return it != hosts.end() && quota.host_scope->matches(it->second);
}

std::string format_amount(const std::string& resource, std::int64_t amount) {
  if (resource == "memory" || resource == "storage")
    return format_bytes(amount);
  return std::to_string(amount);
}

struct ResourceCheck {
  const char* resource;
  std::optional<std::int64_t> hard;
  std::int64_t used;
  std::int64_t requested;
};

}  // namespace

QuotaUsage used_by(const QuotaSnapshot& quota, const std::vector<VmCharge>& charges,
                   const HostLabels& hosts) {
  QuotaUsage used;
  for (const auto& charge : charges) {
    if (charge.tenant == quota.tenant && counts_host(quota, charge.host, hosts)) {
      used += charge.usage;
    }
  }
  return used;
}

std::optional<QuotaDenial> check_admission(const std::string& tenant, const QuotaUsage& request,
                                           const std::string& host,
                                           const std::vector<QuotaSnapshot>& quotas,
                                           const std::vector<VmCharge>& charges,
                                           const HostLabels& hosts) {
  std::vector<const QuotaSnapshot*> applicable;
  for (const auto& quota : quotas) {
    if (quota.tenant == tenant && counts_host(quota, host, hosts))
      applicable.push_back(&quota);
  }
  std::sort(applicable.begin(), applicable.end(),
            [](const QuotaSnapshot* a, const QuotaSnapshot* b) { return a->name < b->name; });

  for (const QuotaSnapshot* quota : applicable) {
    const QuotaUsage used = used_by(*quota, charges, hosts);
    const ResourceCheck checks[] = {
        {"vcpus", quota->hard.vcpus, used.vcpus, request.vcpus},
        {"memory", quota->hard.memory, used.memory, request.memory},
        {"storage", quota->hard.storage, used.storage, request.storage},
        {"vms", quota->hard.vms, used.vms, request.vms},
    };
    for (const auto& check : checks) {
      if (!check.hard || check.requested == 0 || check.used + check.requested <= *check.hard) {
        continue;
      }
      QuotaDenial denial{quota->name, check.resource, check.used, check.requested, *check.hard, ""};
      denial.message = "quota " + quota->name + ": " + check.resource + " used " +
                       format_amount(check.resource, check.used) + " + requested " +
                       format_amount(check.resource, check.requested) + " exceeds hard " +
                       format_amount(check.resource, *check.hard);
      return denial;
    }
  }
  return std::nullopt;
}

void PendingReservations::record(const VmCharge& charge) {
  std::lock_guard<std::mutex> lock(mu_);
  pending_[charge.vm] = charge;
}

std::optional<VmCharge> PendingReservations::find(const std::string& vm) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto found = pending_.find(vm);
  if (found == pending_.end())
    return std::nullopt;
  return found->second;
}

std::optional<VmCharge> PendingReservations::record_returning_previous(const VmCharge& charge) {
  std::lock_guard<std::mutex> lock(mu_);
  std::optional<VmCharge> previous;
  if (auto found = pending_.find(charge.vm); found != pending_.end())
    previous = found->second;
  pending_[charge.vm] = charge;
  return previous;
}

void PendingReservations::restore(const std::string& vm, const std::optional<VmCharge>& previous) {
  std::lock_guard<std::mutex> lock(mu_);
  if (previous)
    pending_[vm] = *previous;
  else
    pending_.erase(vm);
}

void PendingReservations::release(const std::string& vm) {
  std::lock_guard<std::mutex> lock(mu_);
  pending_.erase(vm);
}

std::vector<VmCharge> PendingReservations::overlay(std::vector<VmCharge> from_cache) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& charge : from_cache) {
    auto it = pending_.find(charge.vm);
    if (it == pending_.end())
      continue;
    // The cache caught up once it shows the same amounts on the same host (a reservation is
    // recorded again with its host once placed, for host-scoped quotas).
    if (it->second.usage == charge.usage && it->second.host == charge.host) {
      pending_.erase(it);
    } else {
      charge = it->second;
    }
  }
  for (const auto& [vm, charge] : pending_) {
    const bool in_cache = std::any_of(from_cache.begin(), from_cache.end(),
                                      [&](const VmCharge& c) { return c.vm == vm; });
    if (!in_cache)
      from_cache.push_back(charge);
  }
  return from_cache;
}

std::mutex& PendingReservations::tenant_lock(const std::string& tenant) {
  std::lock_guard<std::mutex> lock(mu_);
  return tenant_locks_[tenant];
}

}  // namespace hvo::controllers
