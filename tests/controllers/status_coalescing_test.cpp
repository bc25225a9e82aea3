// Quota and Tenant status sum many VMs: with the operator's one-second minimum interval between
// two reconciles of one key, a burst of VM changes ends in one status write per object, and
// that write holds the final sums (no change is lost). The controllers run on a fake clock
// against the in-memory API server.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "controllers/quota_reconciler.h"
#include "controllers/tenant_reconciler.h"
#include "operator/controller.h"
#include "tests/controllers/reconciler_fixture.h"
#include "tests/runtime/fake_clock.h"

namespace hvo::controllers {
namespace {

using std::chrono::seconds;

constexpr int kVms = 50;

// Counts the reconciles that finished, so the test knows when the controller is idle.
class CountingReconciler : public kube::Reconciler {
 public:
  explicit CountingReconciler(kube::Reconciler& inner) : inner_(inner) {}
  Result<kube::ReconcileResult> reconcile(const kube::Request& request) override {
    auto result = inner_.reconcile(request);
    std::lock_guard<std::mutex> lock(mu_);
    ++finished_;
    if (!result.ok())
      ++failed_;
    cv_.notify_all();
    return result;
  }
  void wait_for(int count) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return finished_ >= count; });
  }
  int finished() {
    std::lock_guard<std::mutex> lock(mu_);
    return finished_;
  }
  int failed() {
    std::lock_guard<std::mutex> lock(mu_);
    return failed_;
  }

 private:
  kube::Reconciler& inner_;
  std::mutex mu_;
  std::condition_variable cv_;
  int finished_ = 0;
  int failed_ = 0;
};

class StatusCoalescingTest : public testing::ReconcilerFixture {
 protected:
  StatusCoalescingTest() {
    add_tenant("team-a", {{"namespaces", {"team-a"}}});
    add_quota("team-a", "team-a", {{"vcpus", 1000}, {"vms", 100}});
  }

  kube::ControllerOptions options(const std::string& name) {
    kube::ControllerOptions options;
    options.name = name;
    options.workers = 2;
    options.min_interval = seconds(1);  // as the operator wires the Quota and Tenant controllers
    return options;
  }

  // A VM of 2 vCPUs and 4Gi whose reservation the VM controller has recorded; stored as the
  // informer would see it (no write of the controllers under test is counted).
  void add_reserved_vm(const std::string& name) {
    add_vm(name);
    nlohmann::json object = vm(name);
    object["status"] = nlohmann::json::parse(R"({
      "allocated": {"cpu": 2, "memory": "4Gi", "storage": "20Gi"},
      "conditions": [{"type": "QuotaReserved", "status": "True", "reason": "Reserved",
                      "message": "", "lastTransitionTime": "2026-11-22T00:00:00Z"}]})");
    cluster.put(kVirtualMachines, object);
  }

  // Reconciles `key` once, then makes kVms VMs appear, enqueueing `key` after each as the VM
  // informer's routing does; moves the clock past the interval and returns the status writes
  // the burst caused.
  int burst_of_vm_changes(kube::Controller& controller, CountingReconciler& counting,
                          const std::string& key) {
    controller.start();
    controller.enqueue({"", key});
    counting.wait_for(1);
    const int writes_before = cluster.status_writes;

    for (int i = 0; i < kVms; ++i) {
      add_reserved_vm("vm-" + std::to_string(i));
      controller.enqueue({"", key});
    }
    EXPECT_EQ(counting.finished(), 1);  // nothing before the interval is over
    EXPECT_EQ(controller.queue().delayed(), 1u);
    clock.advance(seconds(1));
    counting.wait_for(2);
    controller.stop();
    EXPECT_EQ(counting.finished(), 2);
    EXPECT_EQ(counting.failed(), 0);
    return cluster.status_writes - writes_before;
  }

  kube::testing::FakeClock clock;
  metrics::Registry registry;
};

TEST_F(StatusCoalescingTest, FiftyVmChangesEndInOneQuotaStatusWriteWithTheFinalSum) {
  QuotaReconciler reconciler({quotas, vms, tenants, hosts, ledger}, cluster, clock);
  CountingReconciler counting(reconciler);
  kube::Controller controller(options("quota"), counting, registry, clock);

  EXPECT_EQ(burst_of_vm_changes(controller, counting, "team-a"), 1);

  const auto quota = cluster.object(kQuotas, "", "team-a");
  EXPECT_EQ(quota["status"]["used"]["vms"], kVms);
  EXPECT_EQ(quota["status"]["used"]["vcpus"], 2 * kVms);
  EXPECT_EQ(quota["status"]["used"]["memory"], "200Gi");
  EXPECT_EQ(quota["status"]["reserved"]["vms"], kVms);
}

TEST_F(StatusCoalescingTest, FiftyVmChangesEndInOneTenantStatusWriteWithTheFinalSum) {
  TenantReconciler reconciler({tenants, namespaces, role_bindings, ledger}, cluster, events,
                              kDefaultTenantAdminClusterRole, clock);
  CountingReconciler counting(reconciler);
  kube::Controller controller(options("tenant"), counting, registry, clock);

  EXPECT_EQ(burst_of_vm_changes(controller, counting, "team-a"), 1);

  const auto tenant = cluster.object(kTenants, "", "team-a");
  EXPECT_EQ(tenant["status"]["usage"]["vms"], kVms);
  EXPECT_EQ(tenant["status"]["usage"]["vcpus"], 2 * kVms);
  EXPECT_EQ(condition_field(tenant, "Ready", "status"), "True");
}

TEST_F(StatusCoalescingTest, ReconcilingUnchangedQuotaAndTenantWritesNothing) {
  QuotaReconciler quota_reconciler({quotas, vms, tenants, hosts, ledger}, cluster, clock);
  TenantReconciler tenant_reconciler({tenants, namespaces, role_bindings, ledger}, cluster, events,
                                     kDefaultTenantAdminClusterRole, clock);
  add_reserved_vm("web-1");
  ASSERT_TRUE(quota_reconciler.reconcile({"", "team-a"}).ok());
  ASSERT_TRUE(tenant_reconciler.reconcile({"", "team-a"}).ok());
  const int writes = cluster.writes;

  clock.advance(std::chrono::hours(1));  // as after an operator restart: time has passed
  ASSERT_TRUE(quota_reconciler.reconcile({"", "team-a"}).ok());
  ASSERT_TRUE(tenant_reconciler.reconcile({"", "team-a"}).ok());

  EXPECT_EQ(cluster.writes, writes);
}

}  // namespace
}  // namespace hvo::controllers
