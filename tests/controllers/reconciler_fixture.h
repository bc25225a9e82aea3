// The world the reconciler tests run in: informer caches fed by an in-memory API server, fake
// agents per host, and builders for hosts (with their credentials Secret), tenants, quotas and
// VMs as users write them.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include <nlohmann/json.hpp>

#include "controllers/agent_client_cache.h"
#include "controllers/agent_operations.h"
#include "controllers/host_call_limiter.h"
#include "controllers/indexed_caches.h"
#include "controllers/kinds.h"
#include "controllers/quota_ledger.h"
#include "controllers/reservation_ledger.h"
#include "controllers/secret_source.h"
#include "controllers/tenant_desired.h"
#include "controllers/virtualmachine_reconciler.h"
#include "controllers/vm_observations.h"
#include "tests/controllers/fake_agent.h"
#include "tests/controllers/fake_cluster.h"

namespace hvo::controllers::testing {

inline const char* const kReadyCondition =
    R"([{"type": "Ready", "status": "True", "reason": "HostReady", "message": "",
         "lastTransitionTime": "2026-11-22T00:00:00Z"}])";

// Reads Secrets through the in-memory API and counts the reads.
class CountingSecretSource : public SecretSource {
 public:
  explicit CountingSecretSource(ClusterApi& api) : api_(api) {}
  Result<kube::ObjectPtr> secret(const std::string& ns, const std::string& name) override {
    ++reads;
    return api_.secret(ns, name);
  }
  int reads = 0;

 private:
  ApiSecretSource api_;
};

class ReconcilerFixture : public ::testing::Test {
 protected:
  ReconcilerFixture() {
    cluster.mirror(kVirtualMachines, vms);
    cluster.mirror(kHyperVHosts, hosts);
    cluster.mirror(kTenants, tenants);
    cluster.mirror(kQuotas, quotas);
    // As the operator's label-selected informers: only tenant-labelled ones are cached.
    const auto tenant_labelled = [](const k8s::Json& object) {
      return object.value(k8s::Json::json_pointer("/metadata/labels"), k8s::Json::object())
          .contains(kTenantLabel);
    };
    cluster.mirror(kNamespaces, namespaces, tenant_labelled);
    cluster.mirror(kRoleBindings, role_bindings, tenant_labelled);
    add_cache_indices(vms, tenants, quotas);  // as the operator's wiring does
    vms.add_observer(ledger.observer());
    vms.add_observer(observations.observer());
    operations.start();
  }
  ~ReconcilerFixture() override { operations.stop(); }

  // The VM reconciler's agent side, as the operator wires it.
  VirtualMachineReconciler::Agents vm_agents() { return {agents, operations, limiter}; }

  // An operation poller like `operations` (started), for a restarted operator.
  std::unique_ptr<AgentOperations> make_operations() {
    auto made = std::make_unique<AgentOperations>(wake(), fast_polls());
    made->start();
    return made;
  }

  // Waits until the operation poller has woken `key` (an agent operation ended); false after
  // 10 s. The poller runs on its own thread, so tests wait for its event, never for a time.
  bool wait_for_wake(const std::string& key) {
    std::unique_lock<std::mutex> lock(woken_mu);
    return woken_cv.wait_for(lock, std::chrono::seconds(10), [&] {
      const auto found = std::find(operation_wakes.begin(), operation_wakes.end(), key);
      if (found == operation_wakes.end())
        return false;
      operation_wakes.erase(found);
      return true;
    });
  }

  // A Ready host with 64 vCPUs and 64Gi allocatable, switch "external", image "ubuntu-24.04",
  // its credentials Secret, and a fake agent.
  std::shared_ptr<FakeAgent> add_host(const std::string& name, nlohmann::json labels = {}) {
    cluster.put(kSecrets,
                {{"metadata", {{"name", name + "-agent"}, {"namespace", "hyperv-system"}}},
                 {"data",
                  {{"ca.crt", "Y2E="},
                   {"tls.crt", "Y2VydA=="},
                   {"tls.key", "a2V5"},
                   {"token", "dG9rZW4="}}}});
    nlohmann::json host = nlohmann::json::parse(R"({
      "apiVersion": "hyperv.operator.io/v1alpha1", "kind": "HyperVHost",
      "spec": {"credentialsSecretRef": {"namespace": "hyperv-system"}},
      "status": {"allocatable": {"cpu": 64, "memory": "64Gi", "storage": "1Ti"},
                 "capabilities": ["secureBoot", "tpm", "dynamicMemory"],
                 "images": [{"name": "ubuntu-24.04"}], "switches": [{"name": "external"}]}
    })");
    host["metadata"] = {{"name", name},
                        {"labels", labels.is_null() ? nlohmann::json::object() : labels}};
    host["spec"]["address"] = "https://" + name + ":9443";
    host["spec"]["credentialsSecretRef"]["name"] = name + "-agent";
    host["status"]["conditions"] = nlohmann::json::parse(kReadyCondition);
    cluster.put(kHyperVHosts, host);
    return connector.add(name);
  }

  void add_tenant(const std::string& name, nlohmann::json spec) {
    cluster.put(kTenants, {{"apiVersion", "hyperv.operator.io/v1alpha1"},
                           {"kind", "Tenant"},
                           {"metadata", {{"name", name}}},
                           {"spec", std::move(spec)}});
  }

  void add_quota(const std::string& name, const std::string& tenant, nlohmann::json hard) {
    cluster.put(kQuotas, {{"apiVersion", "hyperv.operator.io/v1alpha1"},
                          {"kind", "Quota"},
                          {"metadata", {{"name", name}}},
                          {"spec", {{"tenant", tenant}, {"hard", std::move(hard)}}}});
  }

  // A VM of 2 vCPUs and 4Gi in namespace team-a; `edit` changes its spec.
  void add_vm(
      const std::string& name,
      const std::function<void(nlohmann::json&)>& edit = [](nlohmann::json&) {}) {
    nlohmann::json spec = nlohmann::json::parse(R"({
      "runStrategy": "Always", "cpu": {"count": 2}, "memory": {"startup": "4Gi"},
      "image": "ubuntu-24.04", "disks": [{"name": "os", "source": "image", "size": "20Gi"}],
      "networks": [{"name": "lan", "switch": "external"}]
    })");
    edit(spec);
    cluster.put(kVirtualMachines, {{"apiVersion", "hyperv.operator.io/v1alpha1"},
                                   {"kind", "VirtualMachine"},
                                   {"metadata", {{"name", name}, {"namespace", "team-a"}}},
                                   {"spec", std::move(spec)}});
  }

  nlohmann::json vm(const std::string& name) {
    return cluster.object(kVirtualMachines, "team-a", name);
  }
  std::string condition_field(const nlohmann::json& object, const std::string& type,
                              const std::string& field) {
    for (const auto& condition : object["status"].value("conditions", nlohmann::json::array())) {
      if (condition.value("type", "") == type)
        return condition.value(field, "");
    }
    return "<absent>";
  }

  kube::Store vms;
  kube::Store hosts;
  kube::Store tenants;
  kube::Store quotas;
  kube::Store namespaces;
  kube::Store role_bindings;
  FakeCluster cluster;
  CountingSecretSource secrets{cluster};
  FakeEvents events;
  FakeConnector connector;
  AgentClientCache agents{connector};
  ReservationLedger ledger;
  VmObservations observations;  // the host monitor's view of the VM cache
  HostCallLimiter limiter;
  std::mutex woken_mu;
  std::condition_variable woken_cv;
  std::vector<std::string> operation_wakes;  // VM keys the poller woke, not yet waited for
  AgentOperations operations{wake(), fast_polls()};

 private:
  AgentOperations::Wake wake() {
    return [this](const std::string& key) {
      std::lock_guard<std::mutex> lock(woken_mu);
      operation_wakes.push_back(key);
      woken_cv.notify_all();
    };
  }
  static AgentOperationsOptions fast_polls() {
    AgentOperationsOptions options;
    options.first_poll = std::chrono::milliseconds(1);
    options.max_poll_interval = std::chrono::milliseconds(5);
    return options;
  }
};

}  // namespace hvo::controllers::testing
