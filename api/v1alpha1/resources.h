// Resource amounts as the API reports them: vCPUs as whole numbers, memory and storage as
// quantities (bytes).
#pragma once

#include <cstdint>
#include <optional>

#include "api/k8s/json_codec.h"
#include "api/k8s/quantity.h"

namespace hvo::api {

// {cpu, memory, storage}: what a VM has allocated, what a host has in capacity, allocatable or
// allocated.
struct ResourceAmounts {
  std::int64_t cpu = 0;
  k8s::Quantity memory;
  k8s::Quantity storage;
};

// {vcpus, memory, storage, vms}: a Quota's hard limits (an absent entry is not limited), a
// Quota's used and reserved amounts, a Tenant's usage.
struct QuotaAmounts {
  std::optional<std::int64_t> vcpus;
  std::optional<k8s::Quantity> memory;
  std::optional<k8s::Quantity> storage;
  std::optional<std::int64_t> vms;
};

void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            ResourceAmounts& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            QuotaAmounts& out);
void encode(k8s::Json& target, const ResourceAmounts& amounts);
void encode(k8s::Json& target, const QuotaAmounts& amounts);

}  // namespace hvo::api
