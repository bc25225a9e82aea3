#include "controllers/reservation_ledger.h"

#include <spdlog/spdlog.h>

#include "api/v1alpha1/resources.h"
#include "controllers/api_conversions.h"
#include "controllers/conditions.h"

namespace hvo::controllers {
namespace {

using Json = k8s::Json;

std::string string_at(const Json& object, const char* pointer) {
  return object.value(Json::json_pointer(pointer), std::string());
}

bool condition_true(const Json& vm, const char* type) {
  return cached_condition_status(vm, type) == "True";
}

void add_signed(QuotaUsage& sum, const QuotaUsage& amount, int sign) {
  if (sign > 0)
    sum += amount;
  else
    sum -= amount;
}

}  // namespace

VmHolding vm_holding(const Json& vm) {
  VmHolding holding;
  holding.ns = string_at(vm, "/metadata/namespace");
  holding.host = string_at(vm, "/status/host");
  holding.anti_affinity_group = string_at(vm, "/spec/placement/antiAffinityGroup");
  holding.provisioned = condition_true(vm, condition_type::kProvisioned);
  const std::string migration_phase = string_at(vm, "/status/migration/phase");
  if (migration_phase == "Scheduling" || migration_phase == "Running")
    holding.migration_target = string_at(vm, "/status/migration/targetHost");
  const Json allocated = vm.value(Json::json_pointer("/status/allocated"), Json());
  if (allocated.is_null() || !condition_true(vm, condition_type::kQuotaReserved))
    return holding;
  k8s::FieldErrors errors;
  api::ResourceAmounts amounts;
  api::decode(allocated, "status.allocated", errors, amounts);
  if (!errors.empty()) {
    spdlog::warn("cached_object_undecodable vm={}/{} field=status.allocated", holding.ns,
                 string_at(vm, "/metadata/name"));
    return holding;
  }
  holding.amounts = to_amounts(amounts);
  holding.usage = quota_usage(holding.amounts);
  return holding;
}

kube::StoreObserver ReservationLedger::observer() {
  return [this](const std::string& key, const kube::ObjectPtr&, const kube::ObjectPtr& current) {
    on_cache_change(key, current);
  };
}

const VmHolding* ReservationLedger::effective(const Entry& entry) const {
  if (entry.expected)
    return &*entry.expected;
  return entry.cached ? &*entry.cached : nullptr;
}

void ReservationLedger::add_locked(const VmHolding& holding, int sign) {
  if (holding.usage) {
    ReservedTally& sum = reserved_[holding.ns][holding.host];
    add_signed(sum.used, *holding.usage, sign);
    if (!holding.provisioned)
      add_signed(sum.in_flight, *holding.usage, sign);
    if (!holding.host.empty()) {
      ResourceAmounts& allocated = host_allocated_[holding.host];
      if (sign > 0)
        allocated += holding.amounts;
      else
        allocated -= holding.amounts;
    }
  }
  for (const std::string* host : {&holding.host, &holding.migration_target}) {
    if (host->empty() || (host == &holding.migration_target && *host == holding.host))
      continue;
    if (host == &holding.migration_target && holding.usage) {
      ResourceAmounts& allocated = host_allocated_[*host];
      if (sign > 0)
        allocated += holding.amounts;
      else
        allocated -= holding.amounts;
    }
    if (holding.anti_affinity_group.empty())
      continue;
    auto& groups = host_groups_[*host];
    int& count = groups[holding.anti_affinity_group];
    count += sign;
    if (count <= 0)
      groups.erase(holding.anti_affinity_group);
  }
}

template <typename Change>
void ReservationLedger::change_locked(const std::string& key, Change change) {
  Entry& entry = entries_[key];
  if (const VmHolding* before = effective(entry))
    add_locked(*before, -1);
  change(entry);
  if (const VmHolding* after = effective(entry))
    add_locked(*after, +1);
  if (!entry.cached && !entry.expected && entry.stale.empty())
    entries_.erase(key);
}

void ReservationLedger::on_cache_change(const std::string& key, const kube::ObjectPtr& current) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!current) {
    // Gone from the cache: nothing of it counts any more, and nothing is expected of it.
    change_locked(key, [](Entry& entry) { entry = Entry(); });
    return;
  }
  const std::string version = string_at(*current, "/metadata/resourceVersion");
  VmHolding holding = vm_holding(*current);
  change_locked(key, [&](Entry& entry) {
    entry.cached = std::move(holding);
    entry.cached_version = version;
    // Our write or a newer one: the cache has caught up, the expectation has served.
    if (!entry.write_in_flight && !entry.stale.empty() && entry.stale.count(version) == 0) {
      entry.expected.reset();
      entry.stale.clear();
    }
  });
}

std::optional<VmHolding> ReservationLedger::expect(const std::string& key,
                                                   const VmHolding& holding) {
  std::lock_guard<std::mutex> lock(mu_);
  std::optional<VmHolding> previous;
  change_locked(key, [&](Entry& entry) {
    previous = entry.expected;
    entry.expected = holding;
    entry.write_in_flight = true;
  });
  return previous;
}

void ReservationLedger::withdraw(const std::string& key, const std::optional<VmHolding>& previous) {
  std::lock_guard<std::mutex> lock(mu_);
  change_locked(key, [&](Entry& entry) {
    entry.expected = previous;
    entry.write_in_flight = false;
    if (entry.stale.empty())
      entry.expected.reset();  // no write of ours is pending: the cache is the truth
  });
}

void ReservationLedger::wrote(const std::string& key, const std::string& replaced_version,
                              const std::string& written_version) {
  std::lock_guard<std::mutex> lock(mu_);
  change_locked(key, [&](Entry& entry) {
    entry.write_in_flight = false;
    entry.stale.insert(replaced_version);
    // The watch may have delivered the write before its answer came back.
    if (entry.cached_version == written_version) {
      entry.expected.reset();
      entry.stale.clear();
    }
  });
}

bool ReservationLedger::cache_behind(const std::string& key,
                                     const std::string& cached_version) const {
  std::lock_guard<std::mutex> lock(mu_);
  const auto found = entries_.find(key);
  return found != entries_.end() && found->second.stale.count(cached_version) > 0;
}

std::optional<VmHolding> ReservationLedger::holding(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  const auto found = entries_.find(key);
  if (found == entries_.end())
    return std::nullopt;
  const VmHolding* holding = effective(found->second);
  return holding ? std::optional<VmHolding>(*holding) : std::nullopt;
}

QuotaUsage ReservationLedger::reserved(
    const std::vector<std::string>& namespaces,
    const std::function<bool(const std::string& host)>& counts) const {
  return tally(namespaces, counts).used;
}

ReservedTally ReservationLedger::tally(
    const std::vector<std::string>& namespaces,
    const std::function<bool(const std::string& host)>& counts) const {
  std::lock_guard<std::mutex> lock(mu_);
  ReservedTally sum;
  for (const std::string& ns : namespaces) {
    const auto found = reserved_.find(ns);
    if (found == reserved_.end())
      continue;
    for (const auto& [host, tally] : found->second) {
      if (!counts(host))
        continue;
      sum.used += tally.used;
      sum.in_flight += tally.in_flight;
    }
  }
  return sum;
}

ResourceAmounts ReservationLedger::allocated(const std::string& host) const {
  std::lock_guard<std::mutex> lock(mu_);
  const auto found = host_allocated_.find(host);
  return found != host_allocated_.end() ? found->second : ResourceAmounts{};
}

bool ReservationLedger::runs_group(const std::string& host, const std::string& group) const {
  std::lock_guard<std::mutex> lock(mu_);
  const auto found = host_groups_.find(host);
  return found != host_groups_.end() && found->second.count(group) > 0;
}

std::map<std::string, std::int64_t> ReservationLedger::vms_by_host(const std::string& ns) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, std::int64_t> counts;
  const auto found = reserved_.find(ns);
  if (found == reserved_.end())
    return counts;
  for (const auto& [host, tally] : found->second) {
    if (!host.empty() && tally.used.vms > 0)
      counts.emplace(host, tally.used.vms);
  }
  return counts;
}

std::mutex& ReservationLedger::tenant_lock(const std::string& tenant) {
  std::lock_guard<std::mutex> lock(locks_mu_);
  return tenant_locks_[tenant];
}

}  // namespace hvo::controllers
