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
      {"cpu weight", [](VmSpec& s) { s.cpu.weight = 500; }, {"cpu.weight"}, {}, {}},
      {"cpu reserve and limit",
       [](VmSpec& s) {
         s.cpu.reserve_percent = 10;
         s.cpu.limit_percent = 50;
       },
       {"cpu.reservePercent", "cpu.limitPercent"},
       {},
       {}},
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
      {"tpm", [](VmSpec& s) { s.firmware.tpm = true; }, {}, {"firmware.tpm"}, {}},
      {"secure boot off",
       [](VmSpec& s) { s.firmware.secure_boot = false; },
       {},
       {"firmware.secureBoot"},
       {}},
      {"secure boot template",
       [](VmSpec& s) { s.firmware.secure_boot_template = "OpenSourceShieldedVM"; },
       {},
       {"firmware.secureBoot"},
       {}},
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
       {},
       {"generation"}},
      {"image", [](VmSpec& s) { s.image = "rocky-10"; }, {}, {}, {"image"}},
  };
  const VmSpec current = testing::sample_spec();
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    VmSpec desired = current;
    row.change(desired);
    const auto running = plan_convergence(desired, current, VmState::kRunning);
    EXPECT_EQ(running.apply_now, row.when_running_now);
    EXPECT_EQ(running.restart_required, row.when_running_restart);
    EXPECT_EQ(running.unsupported, row.unsupported);

    // With the VM off, everything Hyper-V can change applies at once.
    const auto off = plan_convergence(desired, current, VmState::kOff);
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
  const auto plan = plan_convergence(desired, current, VmState::kRunning);
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

  const auto plan = plan_convergence(desired, current, VmState::kOff);
  const VmSpec next = apply_fields(current, desired, plan.apply_now);
  EXPECT_EQ(next.cpu, desired.cpu);
  EXPECT_EQ(next.memory, desired.memory);
  EXPECT_EQ(next.firmware, desired.firmware);
  EXPECT_EQ(next.networks, desired.networks);
  EXPECT_EQ(next.disks, desired.disks);
  EXPECT_TRUE(plan_convergence(desired, next, VmState::kOff).apply_now.empty());
}

TEST(Convergence, RunningVmKeepsOffOnlyFieldsUntilTheNextEnsureWhileOff) {
  const VmSpec current = testing::sample_spec();
  VmSpec desired = current;
  desired.cpu.count = 8;
  desired.networks[0].vlan_id = 99;
  const auto running = plan_convergence(desired, current, VmState::kRunning);
  const VmSpec next = apply_fields(current, desired, running.apply_now);
  EXPECT_EQ(next.cpu.count, 2);
  EXPECT_EQ(next.networks[0].vlan_id, 99);
  const auto later = plan_convergence(desired, next, VmState::kOff);
  EXPECT_EQ(later.apply_now, Fields{"cpu.count"});
}

// Hyper-V never takes back memory a running guest holds: the dynamic minimum may only go down
// and the maximum only up while it runs; the buffer changes either way.
TEST(Convergence, RunningDynamicMemoryLimitsChangeOnlyInTheirSafeDirection) {
  VmSpec current = testing::sample_spec();
  current.memory = {2 * kGiB, DynamicMemorySpec{kGiB, 4 * kGiB, 20}};
  struct Case {
    const char* name;
    DynamicMemorySpec want;
    Fields now;
    Fields restart;
  };
  const Case cases[] = {
      {"minimum down", {512 * kMiB, 4 * kGiB, 20}, {"memory.dynamic.minimumBytes"}, {}},
      {"minimum up", {2 * kGiB, 4 * kGiB, 20}, {}, {"memory.dynamic.minimumBytes"}},
      {"maximum up", {kGiB, 8 * kGiB, 20}, {"memory.dynamic.maximumBytes"}, {}},
      {"maximum down", {kGiB, 3 * kGiB, 20}, {}, {"memory.dynamic.maximumBytes"}},
      {"buffer", {kGiB, 4 * kGiB, 50}, {"memory.dynamic.bufferPercent"}, {}},
      {"widen both",
       {512 * kMiB, 8 * kGiB, 20},
       {"memory.dynamic.minimumBytes", "memory.dynamic.maximumBytes"},
       {}},
      {"narrow both",
       {2 * kGiB, 2 * kGiB, 20},
       {},
       {"memory.dynamic.minimumBytes", "memory.dynamic.maximumBytes"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    VmSpec desired = current;
    desired.memory.dynamic = c.want;
    const auto running = plan_convergence(desired, current, VmState::kRunning);
    EXPECT_EQ(running.apply_now, c.now);
    EXPECT_EQ(running.restart_required, c.restart);
    const auto off = plan_convergence(desired, current, VmState::kOff);
    EXPECT_TRUE(off.restart_required.empty());
    EXPECT_EQ(apply_fields(current, desired, off.apply_now).memory, desired.memory);
  }
}

// A saved or paused VM keeps its memory image: Hyper-V refuses configuration changes to it, so
// every difference waits, even those a running VM would take.
TEST(Convergence, SavedOrPausedVmDefersEveryChange) {
  const VmSpec current = testing::sample_spec();
  VmSpec desired = current;
  desired.cpu.weight = 300;
  desired.cpu.count = 4;
  desired.networks[0].vlan_id = 41;
  for (const VmState state : {VmState::kSaved, VmState::kPaused, VmState::kStarting}) {
    SCOPED_TRACE(to_string(state));
    const auto plan = plan_convergence(desired, current, state);
    EXPECT_TRUE(plan.apply_now.empty());
    EXPECT_EQ(plan.restart_required, (Fields{"cpu.count", "cpu.weight", "networks[nic0].vlanId"}));
  }
}

TEST(Convergence, SecureBootTemplateIsComparedOnlyWhenSecureBootIsOnAndOneIsWanted) {
  VmSpec desired = testing::sample_spec();
  desired.cloud_init.reset();
  desired.firmware = {true, "", false};
  VmSpec current = desired;
  // Generation 2 always reports a template (MicrosoftWindows by default).
  current.firmware.secure_boot_template = "MicrosoftWindows";
  EXPECT_TRUE(plan_convergence(desired, current, VmState::kOff).apply_now.empty());
  // Secure boot off: whatever template Hyper-V keeps does not matter.
  desired.firmware = {false, "MicrosoftUEFICertificateAuthority", false};
  current.firmware = {false, "MicrosoftWindows", false};
  EXPECT_TRUE(plan_convergence(desired, current, VmState::kOff).apply_now.empty());
  // On, with a template asked for: compared.
  desired.firmware = {true, "MicrosoftUEFICertificateAuthority", false};
  current.firmware = {true, "MicrosoftWindows", false};
  EXPECT_EQ(plan_convergence(desired, current, VmState::kOff).apply_now,
            Fields{"firmware.secureBoot"});
}

TEST(Convergence, LinuxGuestWithoutTemplateGetsTheMicrosoftUefiCa) {
  VmSpec spec = testing::sample_spec();  // carries cloud-init: a Linux guest
  spec.firmware = {true, "", false};
  EXPECT_EQ(effective_secure_boot_template(spec), "MicrosoftUEFICertificateAuthority");
  VmSpec current = spec;
  current.firmware.secure_boot_template = "MicrosoftWindows";  // Hyper-V's default
  const auto plan = plan_convergence(spec, current, VmState::kOff);
  EXPECT_EQ(plan.apply_now, Fields{"firmware.secureBoot"});
  const VmSpec next = apply_fields(current, spec, plan.apply_now);
  EXPECT_EQ(next.firmware.secure_boot_template, "MicrosoftUEFICertificateAuthority");
  EXPECT_TRUE(plan_convergence(spec, next, VmState::kOff).apply_now.empty());
  // Without cloud-init nothing says the guest is Linux: Hyper-V's default stays.
  spec.cloud_init.reset();
  EXPECT_EQ(effective_secure_boot_template(spec), "");
  spec.firmware.secure_boot = false;
  spec.firmware.secure_boot_template = "MicrosoftWindows";
  EXPECT_EQ(effective_secure_boot_template(spec), "");
}

}  // namespace
}  // namespace hvo::agent
