// Tenant (cluster-scoped, shortName tn): a team with its namespaces, admins and the hosts,
// switches, VLANs and images it may use. Field names are the CRD's
// (crds/hyperv.operator.io_tenants.yaml).
//
// Entry points: Tenant::from_json(json), Tenant::parse(text) → Result<Tenant>; to_json() → the
// raw JSON with the typed fields overlaid.
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

// Users and groups from the cluster's OIDC provider, bound to the tenant-admin ClusterRole in
// each of the tenant's namespaces.
struct TenantAdmins {
  std::vector<std::string> users;
  std::vector<std::string> groups;
};

struct TenantSpec {
  std::string display_name;
  std::vector<std::string> namespaces;
  std::optional<TenantAdmins> admins;
  std::optional<k8s::LabelSelector> host_selector;  // absent: every host
  std::vector<std::string> allowed_switches;        // empty: every switch
  std::vector<std::int32_t> allowed_vlans;          // empty: every VLAN
  std::vector<std::string> allowed_images;          // empty: every image
};

struct TenantNamespaceStatus {
  std::string name;
  bool ready = false;
};

struct TenantStatus {
  std::vector<TenantNamespaceStatus> namespaces;
  std::optional<QuotaAmounts> usage;
  std::int64_t observed_generation = 0;
  std::vector<k8s::Condition> conditions;
};

struct Tenant {
  static constexpr const char* kKind = "Tenant";
  static constexpr const char* kPlural = "tenants";

  k8s::ObjectMeta metadata;
  TenantSpec spec;
  TenantStatus status;
  k8s::Json raw;  // the object as read; to_json() writes the typed fields over it

  static Result<Tenant> from_json(const k8s::Json& json);
  static Result<Tenant> parse(std::string_view json_text);
  k8s::Json to_json() const;
};

void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            TenantAdmins& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            TenantSpec& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            TenantNamespaceStatus& out);
void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            TenantStatus& out);

void encode(k8s::Json& target, const TenantAdmins& admins);
void encode(k8s::Json& target, const TenantSpec& spec);
void encode(k8s::Json& target, const TenantNamespaceStatus& namespace_status);
void encode(k8s::Json& target, const std::vector<TenantNamespaceStatus>& namespaces);  // by name
void encode(k8s::Json& target, const TenantStatus& status);

}  // namespace hvo::api
