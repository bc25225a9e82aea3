// The VM cache's packing sample stays close to what the reconciler writes: a settled VM packs
// small against it. If status changes shape, this says the sample needs the same change.
#include "controllers/vm_packing_sample.h"

#include <gtest/gtest.h>

#include "controllers/virtualmachine_reconciler.h"
#include "operator/object_packer.h"
#include "tests/controllers/reconciler_fixture.h"

namespace hvo::controllers {
namespace {

class VmPackingSampleTest : public testing::ReconcilerFixture {
 protected:
  VirtualMachineReconciler reconciler{
      {vms, hosts, tenants, quotas}, cluster, secrets, vm_agents(), events, ledger};
};

TEST_F(VmPackingSampleTest, ASettledVmPacksToAFractionOfItsSize) {
  add_tenant("team-a", {{"namespaces", {"team-a"}}});
  add_host("hv-01");
  add_vm("web-1");
  for (int pass = 0; pass < 8; ++pass)
    ASSERT_TRUE(reconciler.reconcile(kube::Request{"team-a", "web-1"}).ok());
  const nlohmann::json settled = vm("web-1");
  ASSERT_EQ(settled["status"].value("phase", ""), "Running") << settled.dump();

  const kube::ObjectPacker packer(vm_packing_sample());
  const std::size_t packed = packer.pack(settled).size();
  const std::size_t unshared = kube::ObjectPacker().pack(settled).size();
  EXPECT_EQ(packer.unpack(packer.pack(settled)), settled);
  EXPECT_LT(packed * 3, unshared) << "json " << settled.dump().size() << " bytes, deflated "
                                  << unshared << ", against the sample " << packed;
}

}  // namespace
}  // namespace hvo::controllers
