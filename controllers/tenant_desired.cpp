#include "controllers/tenant_desired.h"

#include <algorithm>

#include "api/v1alpha1/group.h"
#include "controllers/conditions.h"
#include "controllers/quota_status.h"

namespace hvo::controllers {
namespace {

k8s::Json subjects(const api::Tenant& tenant) {
  k8s::Json list = k8s::Json::array();
  if (!tenant.spec.admins)
    return list;
  for (const auto& user : tenant.spec.admins->users)
    list.push_back({{"kind", "User"}, {"apiGroup", "rbac.authorization.k8s.io"}, {"name", user}});
  for (const auto& group : tenant.spec.admins->groups)
    list.push_back({{"kind", "Group"}, {"apiGroup", "rbac.authorization.k8s.io"}, {"name", group}});
  return list;
}

}  // namespace

k8s::Json desired_namespace(const api::Tenant& tenant, const std::string& name) {
  return {{"apiVersion", "v1"},
          {"kind", "Namespace"},
          {"metadata", {{"name", name}, {"labels", {{kTenantLabel, tenant.metadata.name}}}}}};
}

bool namespace_labelled_for(const k8s::Json& ns, const api::Tenant& tenant) {
  const auto labels = ns.value(k8s::Json::json_pointer("/metadata/labels"), k8s::Json::object());
  const auto found = labels.find(kTenantLabel);
  return found != labels.end() && *found == tenant.metadata.name;
}

const api::Tenant* tenant_of_namespace(const std::string& ns,
                                       const std::vector<api::Tenant>& tenants) {
  const api::Tenant* owner = nullptr;
  for (const auto& tenant : tenants) {
    const auto& namespaces = tenant.spec.namespaces;
    if (std::find(namespaces.begin(), namespaces.end(), ns) == namespaces.end())
      continue;
    if (!owner || tenant.metadata.name < owner->metadata.name)
      owner = &tenant;
  }
  return owner;
}

k8s::Json desired_admin_role_binding(const api::Tenant& tenant, const std::string& ns,
                                     const std::string& cluster_role) {
  const k8s::Json owner = {{"apiVersion", api::kApiVersion},
                           {"kind", api::Tenant::kKind},
                           {"name", tenant.metadata.name},
                           {"uid", tenant.metadata.uid},
                           {"controller", true},
                           {"blockOwnerDeletion", true}};
  return {{"apiVersion", "rbac.authorization.k8s.io/v1"},
          {"kind", "RoleBinding"},
          {"metadata",
           {{"name", kTenantAdminsRoleBindingName},
            {"namespace", ns},
            {"labels", {{kTenantLabel, tenant.metadata.name}}},
            {"ownerReferences", k8s::Json::array({owner})}}},
          {"roleRef",
           {{"apiGroup", "rbac.authorization.k8s.io"},
            {"kind", "ClusterRole"},
            {"name", cluster_role}}},
          {"subjects", subjects(tenant)}};
}

bool role_binding_matches(const k8s::Json& existing, const k8s::Json& desired) {
  return existing.value("roleRef", k8s::Json()) == desired.at("roleRef") &&
         existing.value("subjects", k8s::Json::array()) == desired.at("subjects");
}

bool update_tenant_status(api::Tenant& tenant, const std::vector<std::string>& ready,
                          const QuotaUsage& usage, const k8s::Time& now) {
  const std::int64_t generation = tenant.metadata.generation;
  api::TenantStatus status = tenant.status;
  status.observed_generation = generation;
  status.namespaces.clear();
  std::vector<std::string> missing;
  for (const auto& name : tenant.spec.namespaces) {
    const bool is_ready = std::find(ready.begin(), ready.end(), name) != ready.end();
    status.namespaces.push_back({name, is_ready});
    if (!is_ready)
      missing.push_back(name);
  }
  status.usage = to_quota_amounts(usage);

  std::vector<k8s::Condition> conditions;
  if (missing.empty()) {
    conditions.push_back(make_condition(
        condition_type::kReady, true, "NamespacesReady",
        std::to_string(ready.size()) + " namespace(s) labelled and bound.", generation));
  } else {
    std::string names;
    for (const auto& name : missing)
      names += (names.empty() ? "" : ", ") + name;
    conditions.push_back(make_condition(condition_type::kReady, false, "NamespacesNotReady",
                                        "Not yet labelled and bound: " + names + ".", generation));
  }
  apply_conditions(status.conditions, conditions, now);

  k8s::Json before;
  k8s::Json after;
  api::encode(before, tenant.status);
  api::encode(after, status);
  tenant.status = std::move(status);
  return before != after;
}

}  // namespace hvo::controllers
