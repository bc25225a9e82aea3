// Which reconcilers a change wakes up, and the domain metrics computed from the caches.
#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "controllers/domain_metrics.h"
#include "controllers/event_routing.h"
#include "controllers/kinds.h"
#include "tests/controllers/reconciler_fixture.h"

namespace hvo::controllers {
namespace {

class EventRoutingTest : public testing::ReconcilerFixture {
 protected:
  EventRoutingTest() {
    add_tenant("team-a", {{"namespaces", {"team-a"}}});
    add_quota("team-a", "team-a", {{"vms", 1}});
    add_quota("team-b", "team-b", {{"vms", 1}});
    add_vm("waiting");
    add_vm("admitted");
    nlohmann::json admitted = vm("admitted");
    admitted["status"]["conditions"] = {{{"type", "QuotaReserved"}, {"status", "True"}}};
    EXPECT_TRUE(cluster.update_status(kVirtualMachines, admitted).ok());
  }
  Queues queues() {
    return {[this](const std::string& key) { woken.push_back("vm:" + key); },
            [this](const std::string& key) { woken.push_back("host:" + key); },
            [this](const std::string& key) { woken.push_back("tenant:" + key); },
            [this](const std::string& key) { woken.push_back("quota:" + key); }};
  }
  RoutingCaches caches() { return {vms, hosts, tenants, quotas}; }
  std::vector<std::string> woken;
};

TEST_F(EventRoutingTest, RaisedQuotaWakesVmsWhoseGrowthItRefused) {
  nlohmann::json grown = vm("admitted");
  grown["status"]["conditions"] = {
      {{"type", "QuotaReserved"}, {"status", "True"}},
      {{"type", "Ready"}, {"status", "False"}, {"reason", "QuotaExceeded"}}};
  ASSERT_TRUE(cluster.update_status(kVirtualMachines, grown).ok());

  quota_events(caches(), queues()).on_add(cluster.object(kQuotas, "", "team-a"));

  EXPECT_NE(std::find(woken.begin(), woken.end(), "vm:team-a/admitted"), woken.end());
  EXPECT_NE(std::find(woken.begin(), woken.end(), "vm:team-a/waiting"), woken.end());
}

TEST_F(EventRoutingTest, VmChangeWakesTheVmItsTenantsQuotasAndTheTenant) {
  vm_events(caches(), queues()).on_add(vm("waiting"));
  EXPECT_EQ(woken,
            (std::vector<std::string>{"vm:team-a/waiting", "quota:team-a", "tenant:team-a"}));
}

TEST_F(EventRoutingTest, RaisedQuotaWakesOnlyTheTenantsWaitingVms) {
  nlohmann::json old_quota = cluster.object(kQuotas, "", "team-a");
  nlohmann::json raised = old_quota;
  raised["metadata"]["generation"] = 2;

  quota_events(caches(), queues()).on_update(old_quota, raised);

  EXPECT_EQ(woken, (std::vector<std::string>{"quota:team-a", "vm:team-a/waiting"}));
}

TEST_F(EventRoutingTest, StatusOnlyWritesWakeNothing) {
  const nlohmann::json quota = cluster.object(kQuotas, "", "team-a");
  quota_events(caches(), queues()).on_update(quota, quota);
  const nlohmann::json host = {{"metadata", {{"name", "hv-01"}, {"generation", 1}}}};
  host_events(caches(), queues()).on_update(host, host);
  EXPECT_TRUE(woken.empty());
}

TEST_F(EventRoutingTest, HostReadinessChangeWakesItsVms) {
  nlohmann::json placed = vm("waiting");
  placed["status"]["host"] = "hv-01";
  ASSERT_TRUE(cluster.update_status(kVirtualMachines, placed).ok());
  const nlohmann::json ready = {
      {"metadata", {{"name", "hv-01"}, {"generation", 1}}},
      {"status", {{"conditions", {{{"type", "Ready"}, {"status", "True"}}}}}}};
  nlohmann::json down = ready;
  down["status"]["conditions"][0]["status"] = "False";

  host_events(caches(), queues()).on_update(ready, down);

  EXPECT_EQ(woken, (std::vector<std::string>{"vm:team-a/waiting"}));
}

TEST_F(EventRoutingTest, TenantLabelledNamespaceOrBindingWakesTheTenantTheLabelNames) {
  const auto handlers = tenant_labelled_events(queues().tenant);
  const nlohmann::json ns = {
      {"metadata", {{"name", "team-a"}, {"labels", {{kTenantLabel, "team-a"}}}}}};
  nlohmann::json moved = ns;
  moved["metadata"]["labels"][kTenantLabel] = "team-b";

  handlers.on_add(ns);
  handlers.on_update(ns, moved);
  handlers.on_delete(moved);
  handlers.on_add({{"metadata", {{"name", "unlabelled"}}}});

  EXPECT_EQ(woken, (std::vector<std::string>{"tenant:team-a", "tenant:team-a", "tenant:team-b",
                                             "tenant:team-b"}));
}

TEST_F(EventRoutingTest, DeletedHostWakesItsVms) {
  nlohmann::json placed = vm("waiting");
  placed["status"]["host"] = "hv-01";
  ASSERT_TRUE(cluster.update_status(kVirtualMachines, placed).ok());

  host_events(caches(), queues()).on_delete({{"metadata", {{"name", "hv-01"}}}});

  EXPECT_EQ(woken, (std::vector<std::string>{"host:hv-01", "vm:team-a/waiting"}));
}

TEST_F(EventRoutingTest, DomainMetricsDescribeTheCaches) {
  add_host("hv-01");
  VmPhaseCounts vm_phases;
  vms.add_observer(vm_phases.observer());
  metrics::Registry registry;
  register_domain_metrics(registry, {vm_phases, hosts, quotas});
  const std::size_t vms_read = vms.objects_read();

  std::string exposition = registry.expose();

  EXPECT_NE(exposition.find("hyperv_virtualmachines{namespace=\"team-a\",phase=\"Pending\"} 2"),
            std::string::npos)
      << exposition;
  EXPECT_EQ(vms.objects_read(), vms_read);  // counted as the cache changed, not at the scrape
  EXPECT_NE(exposition.find("hyperv_host_ready{host=\"hv-01\"} 1"), std::string::npos);
  EXPECT_NE(exposition.find("hyperv_host_allocatable{host=\"hv-01\",resource=\"cpu\"} 64"),
            std::string::npos);
  EXPECT_NE(
      exposition.find("hyperv_quota_hard{quota=\"team-a\",tenant=\"team-a\",resource=\"vms\"} 1"),
      std::string::npos);

  // One VM runs, one goes: the series follow.
  nlohmann::json running = cluster.object(kVirtualMachines, "team-a", "waiting");
  running["status"]["phase"] = "Running";
  ASSERT_TRUE(cluster.update_status(kVirtualMachines, running).ok());
  exposition = registry.expose();
  EXPECT_NE(exposition.find("hyperv_virtualmachines{namespace=\"team-a\",phase=\"Pending\"} 1"),
            std::string::npos)
      << exposition;
  EXPECT_NE(exposition.find("hyperv_virtualmachines{namespace=\"team-a\",phase=\"Running\"} 1"),
            std::string::npos)
      << exposition;
}

}  // namespace
}  // namespace hvo::controllers
