#include "hostagent/hyperv/ps_json.h"

#include <gtest/gtest.h>

#include "hostagent/hyperv/vm_row.h"

namespace hvo::agent {
namespace {

using nlohmann::json;

TEST(PsJson, VmStateFromStringsAndFromWindowsPowerShellIntegers) {
  const std::tuple<json, VmState, const char*> rows[] = {
      {"Running", VmState::kRunning, "Running"},
      {2, VmState::kRunning, "Running"},
      {3, VmState::kOff, "Off"},
      {4, VmState::kStopping, "Stopping"},
      {6, VmState::kSaved, "Saved"},
      {9, VmState::kPaused, "Paused"},
      {10, VmState::kStarting, "Starting"},
      {32773, VmState::kOther, "Saving"},
      {"RunningCritical", VmState::kOther, "RunningCritical"},
      {nullptr, VmState::kOther, "Other"},
  };
  for (const auto& [value, state, raw] : rows) {
    SCOPED_TRACE(value.dump());
    std::string text;
    EXPECT_EQ(ps_vm_state(value, text), state);
    EXPECT_EQ(text, raw);
  }
}

TEST(PsJson, TimesFromDateFormAndIso8601) {
  // The JSON text "\/Date(1700000000000)\/" decodes to "/Date(1700000000000)/".
  EXPECT_EQ(ps_time_ms(json::parse(R"("\/Date(1700000000000)\/")")), 1700000000000);
  EXPECT_EQ(ps_time_ms("/Date(1700000000000+0100)/"), 1700000000000);
  EXPECT_EQ(ps_time_ms("2023-11-14T22:13:20Z"), 1700000000000);
  EXPECT_EQ(ps_time_ms("2023-11-14T22:13:20.250Z"), 1700000000250);
  EXPECT_EQ(ps_time_ms("yesterday"), std::nullopt);
  EXPECT_EQ(ps_time_ms(12), std::nullopt);
}

TEST(PsJson, TimeSpansFromNumbersObjectsAndText) {
  EXPECT_EQ(ps_seconds(42), 42);
  EXPECT_EQ(ps_seconds(json{{"Ticks", 425000000}, {"TotalSeconds", 42.5}}), 42);
  EXPECT_EQ(ps_seconds("01:02:03"), 3723);
  EXPECT_EQ(ps_seconds("2.01:00:00.5"), 2 * 86400 + 3600);
  EXPECT_EQ(ps_seconds(json::object()), std::nullopt);
}

TEST(VmRow, OwnerMarkerIsReadFromItsOwnLineOnly) {
  EXPECT_EQ(notes_marker("hyperv-operator-uid: abc\r\nother", kUidMarker), "abc");
  EXPECT_EQ(notes_marker("note\nhyperv-operator-uid: abc", kUidMarker), "abc");
  EXPECT_EQ(notes_marker("x hyperv-operator-uid: abc", kUidMarker), std::nullopt);
  EXPECT_EQ(notes_marker("", kUidMarker), std::nullopt);
}

json windows_powershell_row() {
  return json::parse(R"({
    "vmId": "6f1c1d0e-0000-4000-8000-000000000001", "name": "team-a.web-1",
    "notes": "hyperv-operator-uid: u-1\r\nhyperv-operator-image: ubuntu-24.04\r\nhyperv-operator-generation: 7",
    "state": 2, "generation": 2, "processorCount": 4, "cpuReserve": 10, "cpuLimit": 90,
    "cpuWeight": 200, "memoryStartupBytes": 2147483648, "memoryAssignedBytes": 2147483648,
    "dynamicMemoryEnabled": true, "memoryMinimumBytes": 1073741824,
    "memoryMaximumBytes": 4294967296, "memoryBuffer": 25,
    "uptime": {"TotalSeconds": 42.5},
    "nics": {"name": "nic0", "switchName": "lan", "macAddress": "00155d0a0b0c",
             "dynamicMacAddress": false, "vlanId": 40, "ipAddresses": "10.0.0.5"},
    "disks": {"name": "os", "path": "D:\\VMs\\u-1\\os.vhdx", "sizeBytes": 32212254720,
              "differencing": true},
    "secureBoot": 0, "secureBootTemplate": "MicrosoftUEFICertificateAuthority", "tpm": false
  })");
}

TEST(VmRow, StatusFromAWindowsPowerShellShapedRow) {
  const auto status = vm_row_status(windows_powershell_row(), 0);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->uid, "u-1");
  EXPECT_EQ(status->state, VmState::kRunning);
  EXPECT_EQ(status->uptime_seconds, 42);
  EXPECT_EQ(status->object_generation, 7);
  ASSERT_EQ(status->nics.size(), 1u);
  EXPECT_EQ(status->nics[0].mac_address, "00155D0A0B0C");
  EXPECT_EQ(status->nics[0].ip_addresses, std::vector<std::string>{"10.0.0.5"});
  EXPECT_EQ(status->ip_addresses, std::vector<std::string>{"10.0.0.5"});
  ASSERT_EQ(status->disks.size(), 1u);
  EXPECT_EQ(status->disks[0].size_bytes, 32212254720);
}

TEST(VmRow, UptimeFromStartTimeWhenNoTimeSpanIsGiven) {
  json row = windows_powershell_row();
  row.erase("uptime");
  row["startedAt"] = "/Date(1700000000000)/";
  EXPECT_EQ(vm_row_status(row, 1700000060000)->uptime_seconds, 60);
}

TEST(VmRow, ConfigForThePlannerFromARow) {
  const VmSpec config = vm_row_config(windows_powershell_row());
  EXPECT_EQ(config.uid, "u-1");
  EXPECT_EQ(config.image, "ubuntu-24.04");
  EXPECT_EQ(config.cpu.count, 4);
  EXPECT_EQ(config.cpu.weight, 200);
  ASSERT_TRUE(config.memory.dynamic.has_value());
  EXPECT_EQ(config.memory.dynamic->buffer_percent, 25);
  EXPECT_TRUE(config.firmware.secure_boot);  // OnOffState 0 is On
  ASSERT_EQ(config.networks.size(), 1u);
  EXPECT_EQ(config.networks[0].mac_address, "00155D0A0B0C");
  EXPECT_EQ(config.networks[0].vlan_id, 40);
  ASSERT_EQ(config.disks.size(), 1u);
  EXPECT_EQ(config.disks[0].source, DiskSource::kImage);
}

TEST(VmRow, VmWithoutMarkerIsNotManaged) {
  json row = windows_powershell_row();
  row["notes"] = "made by hand";
  EXPECT_FALSE(vm_row_status(row, 0).has_value());
}

}  // namespace
}  // namespace hvo::agent
