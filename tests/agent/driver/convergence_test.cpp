#include "hostagent/driver/convergence.h"

#include <gtest/gtest.h>

#include <functional>

#include "tests/agent/support/sample_spec.h"

namespace hvo::agent {
namespace {

using Fields = std::vector<std::string>;

struct Row {
  const char* name;
  std::function<void(VmSpec&)> change;  // applied to the desired spec
  Fields when_running_now;
  Fields when_running_restart;
  Fields unsupported;
};

TEST(Convergence, SortsEachDifferenceByWhetherTheVmMustBeOff) {
  const Row rows[] = {
      {"nothing", [](VmSpec&) {}, {}, {}, {}},
      {"cpu count", [](VmSpec& s) { s.cpu.count = 8; }, {}, {"cpu.count"}, {}},
      {"cpu weight", [](VmSpec& s) { s.cpu.weight = 500; }, {"cpu.controls"}, {}, {}},
      {"nested virtualization",
       [](VmSpec& s) { s.cpu.expose_virtualization_extensions = true; },
       {},
       {"cpu.exposeVirtualizationExtensions"},
       {}},
      {"startup memory",
       [](VmSpec& s) { s.memory.startup_bytes = 4 * kGiB; },
       {},
       {"memory.startupBytes"},
       {}},
      {"dynamic memory on",
       [](VmSpec& s) {
         s.memory.dynamic = DynamicMemorySpec{kGiB, 4 * kGiB, 20};
       },
       {},
       {"memory.dynamic"},
       {}},
      {"firmware", [](VmSpec& s) { s.firmware.tpm = true; }, {}, {"firmware"}, {}},
      {"vlan", [](VmSpec& s) { s.networks[0].vlan_id = 41; }, {"networks[nic0].vlanId"}, {}, {}},
      {"switch",
       [](VmSpec& s) { s.networks[0].switch_name = "wan"; },
       {"networks[nic0].switch"},
       {},
       {}},
      {"static mac",
       [](VmSpec& s) { s.networks[0].mac_address = "00155D000001"; },
       {},
       {"networks[nic0].macAddress"},
       {}},
      {"added nic",
       [](VmSpec& s) {
         s.networks.push_back({"nic1", "lan", std::nullopt, ""});
       },
       {"networks[nic1]"},
       {},
       {}},
      {"removed nic", [](VmSpec& s) { s.networks.clear(); }, {"networks[nic0]"}, {}, {}},
      {"grown disk",
       [](VmSpec& s) { s.disks[1].size_bytes = 20 * kGiB; },
       {"disks[data].sizeBytes"},
       {},
       {}},
      {"shrunk disk",
       [](VmSpec& s) { s.disks[1].size_bytes = 5 * kGiB; },
       {},
       {},
       {"disks[data].sizeBytes"}},
      {"added disk",
       [](VmSpec& s) {
         s.disks.push_back({"logs", kGiB, DiskSource::kBlank});
       },
       {"disks[logs]"},
       {},
       {}},
      {"generation",
       [](VmSpec& s) {
         s.generation = 1;
         s.firmware = {};
       },
       {},
       {"firmware"},
       {"generation"}},
      {"image", [](VmSpec& s) { s.image = "rocky-10"; }, {}, {}, {"image"}},
  };
  const VmSpec current = testing::sample_spec();
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    VmSpec desired = current;
    row.change(desired);
    const auto running = plan_convergence(desired, current, /*vm_is_off=*/false);
    EXPECT_EQ(running.apply_now, row.when_running_now);
    EXPECT_EQ(running.restart_required, row.when_running_restart);
    EXPECT_EQ(running.unsupported, row.unsupported);

    // With the VM off, everything Hyper-V can change applies at once.
    const auto off = plan_convergence(desired, current, /*vm_is_off=*/true);
    Fields all = row.when_running_now;
    all.insert(all.end(), row.when_running_restart.begin(), row.when_running_restart.end());
    EXPECT_EQ(off.apply_now, all);
    EXPECT_TRUE(off.restart_required.empty());
    EXPECT_EQ(off.unsupported, row.unsupported);
  }
}

TEST(Convergence, GenerationOneNeedsTheVmOffToAddDevices) {
  VmSpec current = testing::sample_spec();
  current.generation = 1;
  current.firmware = {};
  VmSpec desired = current;
  desired.networks.push_back({"nic1", "lan", std::nullopt, ""});
  const auto plan = plan_convergence(desired, current, false);
  EXPECT_TRUE(plan.apply_now.empty());
  EXPECT_EQ(plan.restart_required, Fields{"networks[nic1]"});
}

TEST(Convergence, ApplyingThePlanMakesTheConfigurationMatch) {
  const VmSpec current = testing::sample_spec();
  VmSpec desired = current;
  desired.cpu = {6, 5, 80, 300, true};
  desired.memory = {4 * kGiB, DynamicMemorySpec{2 * kGiB, 8 * kGiB, 10}};
  desired.firmware.tpm = true;
  desired.networks = {{"nic0", "wan", 12, "00155D000001"}, {"nic1", "lan", std::nullopt, ""}};
  desired.disks[1].size_bytes = 20 * kGiB;
  desired.disks.push_back({"logs", kGiB, DiskSource::kBlank});

  const auto plan = plan_convergence(desired, current, /*vm_is_off=*/true);
  const VmSpec next = apply_fields(current, desired, plan.apply_now);
  EXPECT_EQ(next.cpu, desired.cpu);
  EXPECT_EQ(next.memory, desired.memory);
  EXPECT_EQ(next.firmware, desired.firmware);
  EXPECT_EQ(next.networks, desired.networks);
  EXPECT_EQ(next.disks, desired.disks);
  EXPECT_TRUE(plan_convergence(desired, next, true).apply_now.empty());
}

TEST(Convergence, RunningVmKeepsOffOnlyFieldsUntilTheNextEnsureWhileOff) {
  const VmSpec current = testing::sample_spec();
  VmSpec desired = current;
  desired.cpu.count = 8;
  desired.networks[0].vlan_id = 99;
  const auto running = plan_convergence(desired, current, false);
  const VmSpec next = apply_fields(current, desired, running.apply_now);
  EXPECT_EQ(next.cpu.count, 2);
  EXPECT_EQ(next.networks[0].vlan_id, 99);
  const auto later = plan_convergence(desired, next, true);
  EXPECT_EQ(later.apply_now, Fields{"cpu.count"});
}

}  // namespace
}  // namespace hvo::agent
