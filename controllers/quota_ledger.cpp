#include "controllers/quota_ledger.h"

#include <algorithm>

#include "controllers/resources.h"

namespace hvo::controllers {
namespace {

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

bool quota_counts_host(const QuotaSnapshot& quota, const std::string& host,
                       const HostLabels& hosts) {
  if (!quota.host_scope)
    return true;
  if (host.empty())
    return false;
  auto it = hosts.find(host);
  return it != hosts.end() && quota.host_scope->matches(it->second);
}

QuotaUsage used_by(const QuotaSnapshot& quota, const std::vector<VmCharge>& charges,
                   const HostLabels& hosts) {
  QuotaUsage used;
  for (const auto& charge : charges) {
    if (charge.tenant == quota.tenant && quota_counts_host(quota, charge.host, hosts)) {
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
  return check_admission_with_usage(
      tenant, request, host, quotas,
      [&](const QuotaSnapshot& quota) { return used_by(quota, charges, hosts); }, hosts);
}

std::optional<QuotaDenial> check_admission_with_usage(
    const std::string& tenant, const QuotaUsage& request, const std::string& host,
    const std::vector<QuotaSnapshot>& quotas, const QuotaUsed& used_of, const HostLabels& hosts) {
  std::vector<const QuotaSnapshot*> applicable;
  for (const auto& quota : quotas) {
    if (quota.tenant == tenant && quota_counts_host(quota, host, hosts))
      applicable.push_back(&quota);
  }
  std::sort(applicable.begin(), applicable.end(),
            [](const QuotaSnapshot* a, const QuotaSnapshot* b) { return a->name < b->name; });

  for (const QuotaSnapshot* quota : applicable) {
    const QuotaUsage used = used_of(*quota);
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

}  // namespace hvo::controllers
