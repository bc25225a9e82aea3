// hyperv_tenant_namespace: one series per namespace a Tenant lists, following the Tenant cache.
#include "controllers/tenant_namespace_metrics.h"

#include <gtest/gtest.h>

#include <memory>

namespace hvo::controllers {
namespace {

kube::ObjectPtr tenant(const std::string& name, const std::vector<std::string>& namespaces) {
  nlohmann::json object = {{"metadata", {{"name", name}}}, {"spec", {{"namespaces", namespaces}}}};
  return std::make_shared<const nlohmann::json>(std::move(object));
}

TEST(TenantNamespaceMetrics, OneSeriesPerNamespaceOfEachTenantFollowingTheCache) {
  metrics::Registry registry;
  kube::Store tenants;
  register_tenant_namespace_metrics(registry, tenants);
  tenants.upsert("team-a", tenant("team-a", {"team-a", "team-a-dev"}));
  tenants.upsert("team-b", tenant("team-b", {"team-b"}));
  std::string exposition = registry.expose();
  EXPECT_NE(
      exposition.find("hyperv_tenant_namespace{tenant=\"team-a\",namespace=\"team-a-dev\"} 1"),
      std::string::npos)
      << exposition;
  EXPECT_NE(exposition.find("hyperv_tenant_namespace{tenant=\"team-b\",namespace=\"team-b\"} 1"),
            std::string::npos);

  tenants.upsert("team-a", tenant("team-a", {"team-a"}));
  tenants.remove("team-b");
  exposition = registry.expose();
  EXPECT_EQ(exposition.find("team-a-dev"), std::string::npos) << exposition;
  EXPECT_EQ(exposition.find("team-b"), std::string::npos) << exposition;
  EXPECT_NE(exposition.find("namespace=\"team-a\"} 1"), std::string::npos);
}

}  // namespace
}  // namespace hvo::controllers
