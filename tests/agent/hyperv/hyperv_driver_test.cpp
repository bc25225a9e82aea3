#include "hostagent/hyperv/hyperv_driver.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "hostagent/protocol/spec_hash.h"
#include "tests/agent/hyperv/fake_powershell.h"
#include "tests/agent/support/sample_spec.h"

namespace hvo::agent {
namespace {

using nlohmann::json;
using testing::FakePowerShell;
using testing::sample_spec;

HypervDriver make_driver(const FakePowerShell& fake) {
  return HypervDriver(std::make_unique<PowerShellWorker>(fake.settings()),
                      std::make_unique<PowerShellWorker>(fake.settings()),
                      HypervPaths{"D:\\VMs", "D:\\Images"});
}

std::vector<json> requests(const FakePowerShell& fake) {
  std::vector<json> out;
  for (const auto& line : fake.stdin_lines())
    out.push_back(json::parse(line));
  return out;
}

TEST(HypervDriver, HostInfoReadsCapacityAndCatalogue) {
  FakePowerShell fake;
  auto driver = make_driver(fake);
  const auto info = driver.host_info();
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->driver, "hyperv");
  EXPECT_EQ(info->capacity.cpu, 32);
  EXPECT_EQ(info->free.cpu, 28);
  EXPECT_EQ(info->free.memory_bytes, 68719476736);
  ASSERT_EQ(info->switches.size(), 1u);
  EXPECT_EQ(info->switches[0].name, "lan");
  EXPECT_EQ(info->switches[0].type, "Internal");  // from the integer 1
  EXPECT_EQ(info->unmanaged_vm_count, 2);
}

TEST(HypervDriver, InventoryKeepsOnlyVmsWithTheOwnerMarker) {
  FakePowerShell fake;
  auto driver = make_driver(fake);
  const auto inventory = driver.inventory();
  ASSERT_TRUE(inventory.ok()) << inventory.error().message;
  ASSERT_EQ(inventory->vms.size(), 1u);
  EXPECT_EQ(inventory->vms[0].state, VmState::kRunning);  // from the integer 2
  EXPECT_EQ(inventory->vms[0].uptime_seconds, 42);        // from a TimeSpan object
  EXPECT_EQ(inventory->unmanaged_count, 2);
}

TEST(HypervDriver, EnsureCreatesThenAppliesThePlannedFields) {
  FakePowerShell fake;
  auto driver = make_driver(fake);
  VmSpec spec = sample_spec("u-1");
  spec.cpu.count = 4;
  const auto result = driver.ensure(spec, "C:\\seeds\\u-1-abc.iso");
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(result->created);
  EXPECT_EQ(result->changed_fields, std::vector<std::string>{"cpu.count"});
  EXPECT_FALSE(result->vm.restart_required());

  const auto sent = requests(fake);
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0]["input"]["phase"], "create");
  EXPECT_EQ(sent[0]["input"]["switches"], json::array({"lan"}));
  EXPECT_EQ(sent[1]["input"]["phase"], "apply");
  EXPECT_EQ(sent[1]["input"]["vmId"], "6f1c1d0e-0000-4000-8000-000000000001");
  EXPECT_EQ(sent[1]["input"]["fields"], json::array({"cpu.count"}));
  EXPECT_EQ(sent[1]["input"]["seedIso"], "C:\\seeds\\u-1-abc.iso");
  EXPECT_EQ(sent[1]["input"]["power"], "Running");
  EXPECT_EQ(sent[1]["input"]["generation"], spec.object_generation);  // nothing deferred
  // The record of what was applied, read back on every GET and inventory.
  EXPECT_EQ(sent[2]["input"]["phase"], "mark");
  const auto record = parse_applied_record(sent[2]["input"]["applied"].get<std::string>());
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->spec_hash, spec_hash(spec));
  EXPECT_TRUE(record->deferred.empty());
  EXPECT_EQ(result->vm.applied_spec_hash, spec_hash(spec));
  EXPECT_FALSE(result->vm.config_drift);
}

TEST(HypervDriver, RunningVmReportsOffOnlyChangesAsRestartRequired) {
  FakePowerShell fake;
  auto driver = make_driver(fake);
  VmSpec spec = sample_spec("u-1", "already-running");
  spec.cpu.count = 4;
  spec.networks[0].vlan_id = 41;
  const auto result = driver.ensure(spec, "");
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_FALSE(result->created);
  EXPECT_EQ(result->changed_fields, std::vector<std::string>{"networks[nic0].vlanId"});
  EXPECT_EQ(result->vm.restart_required_fields, std::vector<std::string>{"cpu.count"});
  // The generation marker stays where it was (3 in the fake's row) while cpu.count waits.
  const auto sent = requests(fake);
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[1]["input"]["generation"], 3);
  const auto record = parse_applied_record(sent[2]["input"]["applied"].get<std::string>());
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->deferred, std::vector<std::string>{"cpu.count"});
}

TEST(HypervDriver, PowerAndRemoveFindTheVmByMarkerFirst) {
  FakePowerShell fake;
  auto driver = make_driver(fake);
  EXPECT_EQ(driver.power("u-missing", {PowerAction::kStart, 0}).error().code,
            AgentErrorCode::kNotFound);
  EXPECT_TRUE(driver.remove("u-missing").ok());  // nothing to remove
  ASSERT_TRUE(driver.power("u-1", {PowerAction::kShutdown, 30}).ok());
  ASSERT_TRUE(driver.remove("u-1").ok());
  const auto sent = requests(fake);
  ASSERT_EQ(sent.size(), 5u);
  EXPECT_EQ(sent[1]["script"], "remove");  // remove finds the VM (or its leftovers) itself
  EXPECT_EQ(sent[3]["script"], "power");
  EXPECT_EQ(sent[3]["input"]["action"], "shutdown");
  EXPECT_EQ(sent[3]["input"]["timeoutSeconds"], 30);
  EXPECT_EQ(sent[4]["script"], "remove");
  EXPECT_EQ(sent[4]["input"]["uid"], "u-1");
}

// Text an attacker would try in any field a user controls.
const std::vector<std::string>& injection_corpus() {
  static const std::vector<std::string> corpus = {
      "x'; Remove-VM -Name * -Force; '",
      "x\"; Stop-Computer -Force; \"",
      "$(Stop-Computer -Force)",
      "`whoami`; calc.exe",
      "a;b & c | d && e",
      "line1\nRemove-Item C:\\ -Recurse\r\nline3",
      "Ünïcødé 世界 \xF0\x9F\x9A\x80 \xE2\x80\xAE",
      "@{evil=1}; <# comment #> ${env:PATH}",
      std::string(100000, 'L') + "$(long)",
  };
  return corpus;
}

void collect_strings(const json& value, std::vector<std::string>& out) {
  if (value.is_string())
    out.push_back(value.get<std::string>());
  if (value.is_structured()) {
    for (const auto& item : value)
      collect_strings(item, out);
  }
}

TEST(HypervDriverInjection, UserTextTravelsOnlyAsJsonDataNeverInArgvOrScriptText) {
  std::string scripts_text;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(HVO_SOURCE_DIR) + "/hostagent/scripts")) {
    std::ifstream in(entry.path());
    std::stringstream content;
    content << in.rdbuf();
    scripts_text += content.str();
  }
  for (const auto& evil : injection_corpus()) {
    SCOPED_TRACE(evil.substr(0, 60));
    FakePowerShell fake;
    auto driver = make_driver(fake);
    // Every user-supplied field at once; the driver is called directly, without the API's
    // validation, to prove the driver alone is safe.
    VmSpec spec = sample_spec("u-inject");
    spec.name = evil;
    spec.namespace_ = evil;
    spec.image = evil;
    spec.firmware.secure_boot_template = evil;
    spec.disks[1].name = evil;
    spec.networks[0].name = evil;
    spec.networks[0].switch_name = evil;
    spec.networks[0].mac_address = evil;
    spec.cloud_init = CloudInitSpec{"#cloud-config\n" + evil, evil, evil};
    const auto ensured = driver.ensure(spec, "C:\\seeds\\" + evil + ".iso");
    ASSERT_TRUE(ensured.ok()) << ensured.error().message;
    // The uid is checked against the marker in C++; whether or not it matches, it is only data.
    (void)driver.power(evil, {PowerAction::kStart, 0});
    EXPECT_TRUE(driver.remove("u-inject").ok());

    for (const auto& argv : fake.argvs()) {
      for (const auto& arg : argv)
        EXPECT_EQ(arg.find(evil), std::string::npos) << arg;
    }
    EXPECT_EQ(scripts_text.find(evil), std::string::npos);
    const auto lines = fake.stdin_lines();
    ASSERT_GE(lines.size(), 4u);  // create, apply, power's lookup, remove
    bool seen_as_data = false;
    for (const auto& line : lines) {
      // One request per line: the raw newlines of the corpus were escaped.
      ASSERT_EQ(line.find('\n'), line.size() - 1);
      const json request = json::parse(line);
      std::vector<std::string> strings;
      collect_strings(request, strings);
      for (const auto& value : strings) {
        if (value == evil || value == "C:\\seeds\\" + evil + ".iso")
          seen_as_data = true;
        // cloud-init goes into the seed ISO, never to PowerShell.
        EXPECT_EQ(value.find("#cloud-config"), std::string::npos);
      }
    }
    EXPECT_TRUE(seen_as_data);
  }
}

}  // namespace
}  // namespace hvo::agent
