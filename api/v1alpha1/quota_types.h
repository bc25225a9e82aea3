// Quota (cluster-scoped, shortName hvq): hard limits on what one tenant's VMs may use,
// optionally only on the hosts a selector picks. Several Quotas may match a tenant; all must
// hold. Field names are the CRD's (crds/hyperv.operator.io_quotas.yaml).
//
// Entry points: Quota::from_json(json), Quota::parse(text) → Result<Quota>; to_json() → the raw
// JSON with the typed fields overlaid.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/k8s/condition.h"
#include "api/k8s/json_codec.h"
#include "api/k8s/label_selector.h"
#include "api/k8s/object_meta.h"
#include "api/v1alpha1/resources.h"
#include "common/status.h"

namespace hvo::api {

struct QuotaSpec {
  std::string tenant;
  QuotaAmounts hard;                                // an absent entry is not limited
  std::optional<k8s::LabelSelector> host_selector;  // absent: VMs on every host count
};

struct QuotaStatus {
  std::optional<QuotaAmounts> used;
  std::optional<QuotaAmounts> reserved;
  std::int64_t observed_generation = 0;
  std::vector<k8s::Condition> conditions;
};

struct Quota {
  static constexpr const char* kKind = "Quota";
  static constexpr const char* kPlural = "quotas";

  k8s::ObjectMeta metadata;
  QuotaSpec spec;
  QuotaStatus status;
  k8s::Json raw;  // the object as read; to_json() writes the typed fields over it

  static Result<Quota> from_json(const k8s::Json& json);
  static Result<Quota> parse(std::string_view json_text);
  k8s::Json to_json() const;
};

void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            QuotaSpec& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            QuotaStatus& out);
void encode(k8s::Json& target, const QuotaSpec& spec);
void encode(k8s::Json& target, const QuotaStatus& status);

}  // namespace hvo::api
