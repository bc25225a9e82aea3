#include "controllers/quota_status.h"

#include "controllers/conditions.h"
#include "controllers/resources.h"

namespace hvo::controllers {
namespace {

std::string describe(const char* resource, std::int64_t used, std::optional<std::int64_t> hard,
                     bool bytes) {
  const auto text = [bytes](std::int64_t amount) {
    return bytes ? format_bytes(amount) : std::to_string(amount);
  };
  return std::string(resource) + " " + text(used) + (hard ? "/" + text(*hard) : " (no limit)");
}

bool exceeds(std::int64_t used, std::optional<std::int64_t> hard) {
  return hard && used > *hard;
}

}  // namespace

std::string describe_usage(const QuotaUsage& used, const QuotaLimits& hard) {
  return describe("vcpus", used.vcpus, hard.vcpus, false) + ", " +
         describe("memory", used.memory, hard.memory, true) + ", " +
         describe("storage", used.storage, hard.storage, true) + ", " +
         describe("vms", used.vms, hard.vms, false);
}

api::QuotaAmounts to_quota_amounts(const QuotaUsage& usage) {
  api::QuotaAmounts amounts;
  amounts.vcpus = usage.vcpus;
  amounts.memory = k8s::Quantity::from_int(usage.memory, k8s::Quantity::Format::kBinarySI);
  amounts.storage = k8s::Quantity::from_int(usage.storage, k8s::Quantity::Format::kBinarySI);
  amounts.vms = usage.vms;
  return amounts;
}

bool update_quota_status(api::Quota& quota, const Result<QuotaSnapshot>& snapshot,
                         const ReservedTally& held, const k8s::Time& now) {
  const std::int64_t generation = quota.metadata.generation;
  api::QuotaStatus status = quota.status;
  status.observed_generation = generation;

  std::vector<k8s::Condition> conditions;
  if (!snapshot.ok()) {
    conditions.push_back(make_condition(condition_type::kReady, false, "InvalidSpec",
                                        snapshot.error().message(), generation));
  } else {
    const QuotaUsage& used = held.used;
    status.used = to_quota_amounts(used);
    status.reserved = to_quota_amounts(held.in_flight);

    const QuotaLimits& hard = snapshot->hard;
    const bool over = exceeds(used.vcpus, hard.vcpus) || exceeds(used.memory, hard.memory) ||
                      exceeds(used.storage, hard.storage) || exceeds(used.vms, hard.vms);
    // A quota lowered below its use stays in force: it admits nothing new until use falls.
    conditions.push_back(make_condition(condition_type::kReady, true,
                                        over ? "OverLimit" : "WithinLimit",
                                        std::string(over ? "Use exceeds the lowered limit: " : "") +
                                            describe_usage(used, hard) + ".",
                                        generation));
  }
  apply_conditions(status.conditions, conditions, now);

  k8s::Json before;
  k8s::Json after;
  api::encode(before, quota.status);
  api::encode(after, status);
  quota.status = std::move(status);
  return before != after;
}

}  // namespace hvo::controllers
