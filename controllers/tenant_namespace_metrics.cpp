#include "controllers/tenant_namespace_metrics.h"

namespace hvo::controllers {

void register_tenant_namespace_metrics(metrics::Registry& registry, const kube::Store& tenants) {
  metrics::GaugeFamily& family = registry.gauge(
      "hyperv_tenant_namespace", "1 for each namespace of a Tenant (spec.namespaces).",
      {"tenant", "namespace"});
  registry.add_collector([&family, &tenants] {
    family.clear();
    // Read from the cached JSON: only two fields are needed, no full decode per scrape.
    for (const auto& object : tenants.list()) {
      const std::string tenant = object->value(nlohmann::json::json_pointer("/metadata/name"), "");
      const nlohmann::json namespaces =
          object->value(nlohmann::json::json_pointer("/spec/namespaces"), nlohmann::json::array());
      if (tenant.empty() || !namespaces.is_array())
        continue;
      for (const auto& ns : namespaces) {
        if (ns.is_string())
          family.with({tenant, ns.get<std::string>()}).set(1);
      }
    }
  });
}

}  // namespace hvo::controllers
