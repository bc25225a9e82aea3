#include "hostagent/protocol/vm_spec_validation.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "tests/agent/support/sample_spec.h"

namespace hvo::agent {
namespace {

TEST(VmSpecValidation, SampleSpecIsValid) {
  const auto result = validate_vm_spec(testing::sample_spec());
  EXPECT_TRUE(result.ok()) << result.error().message;
}

struct Mutation {
  const char* name;
  std::function<void(VmSpec&)> change;
  const char* field_in_message;
};

TEST(VmSpecValidation, EachBadFieldIsRefusedWithItsPath) {
  const Mutation rows[] = {
      {"uid with slash", [](VmSpec& s) { s.uid = "../etc"; }, "uid"},
      {"uid too long", [](VmSpec& s) { s.uid = std::string(65, 'a'); }, "uid"},
      {"upper-case name", [](VmSpec& s) { s.name = "Web"; }, "name"},
      {"namespace with dot", [](VmSpec& s) { s.namespace_ = "a.b"; }, "namespace"},
      {"generation 3", [](VmSpec& s) { s.generation = 3; }, "generation"},
      {"zero cpus", [](VmSpec& s) { s.cpu.count = 0; }, "cpu.count"},
      {"too many cpus", [](VmSpec& s) { s.cpu.count = 241; }, "cpu.count"},
      {"limit over 100", [](VmSpec& s) { s.cpu.limit_percent = 101; }, "cpu.limitPercent"},
      {"weight zero", [](VmSpec& s) { s.cpu.weight = 0; }, "cpu.weight"},
      {"nested virtualization with dynamic memory",
       [](VmSpec& s) {
         s.cpu.expose_virtualization_extensions = true;
         s.memory.dynamic = DynamicMemorySpec{kGiB, 4 * kGiB, 20};
       },
       "cpu.exposeVirtualizationExtensions"},
      {"tiny memory", [](VmSpec& s) { s.memory.startup_bytes = kMiB; }, "memory.startupBytes"},
      {"unaligned memory", [](VmSpec& s) { s.memory.startup_bytes = kGiB + kMiB; },
       "memory.startupBytes"},
      {"dynamic min above startup",
       [](VmSpec& s) {
         s.memory.dynamic = DynamicMemorySpec{4 * kGiB, 8 * kGiB, 20};
       },
       "memory.dynamic"},
      {"dynamic buffer",
       [](VmSpec& s) {
         s.memory.dynamic = DynamicMemorySpec{kGiB, 4 * kGiB, 1};
       },
       "memory.dynamic.bufferPercent"},
      {"secure boot on gen 1",
       [](VmSpec& s) {
         s.generation = 1;
         s.firmware.tpm = false;
       },
       "firmware.secureBoot"},
      {"unknown template", [](VmSpec& s) { s.firmware.secure_boot_template = "Linux"; },
       "firmware.secureBootTemplate"},
      {"image with path", [](VmSpec& s) { s.image = "..\\base"; }, "image"},
      {"image disk without image", [](VmSpec& s) { s.image.clear(); }, "disks[0].source"},
      {"two image disks",
       [](VmSpec& s) {
         s.disks.push_back({"os2", 0, DiskSource::kImage});
       },
       "disks"},
      {"duplicate disk", [](VmSpec& s) { s.disks[1].name = "os"; }, "disks[1].name"},
      {"blank disk too small", [](VmSpec& s) { s.disks[1].size_bytes = 1000; },
       "disks[1].sizeBytes"},
      {"disk too large", [](VmSpec& s) { s.disks[1].size_bytes = 65 * kTiB; },
       "disks[1].sizeBytes"},
      {"vlan 0", [](VmSpec& s) { s.networks[0].vlan_id = 0; }, "networks[0].vlanId"},
      {"vlan 4095", [](VmSpec& s) { s.networks[0].vlan_id = 4095; }, "networks[0].vlanId"},
      {"switch with quote", [](VmSpec& s) { s.networks[0].switch_name = "lan\"; rm"; },
       "networks[0].switch"},
      {"switch with dollar", [](VmSpec& s) { s.networks[0].switch_name = "$(evil)"; },
       "networks[0].switch"},
      {"multicast mac", [](VmSpec& s) { s.networks[0].mac_address = "01:00:5E:00:00:01"; },
       "networks[0].macAddress"},
      {"duplicate nic",
       [](VmSpec& s) {
         s.networks.push_back({"nic0", "lan", std::nullopt, ""});
       },
       "networks[1].name"},
      {"user-data too big",
       [](VmSpec& s) { s.cloud_init->user_data = std::string(1024 * 1024 + 1, 'x'); },
       "cloudInit.userData"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    VmSpec spec = testing::sample_spec();
    row.change(spec);
    const auto result = validate_vm_spec(spec);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, AgentErrorCode::kInvalidSpec);
    EXPECT_NE(result.error().message.find(row.field_in_message), std::string::npos)
        << result.error().message;
  }
}

TEST(VmSpecValidation, ListsEveryProblemInOneMessage) {
  VmSpec spec = testing::sample_spec();
  spec.cpu.count = 0;
  spec.networks[0].vlan_id = 5000;
  const auto result = validate_vm_spec(spec);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("cpu.count"), std::string::npos);
  EXPECT_NE(result.error().message.find("networks[0].vlanId"), std::string::npos);
}

TEST(VmSpecValidation, MacAddressesComeBackInCanonicalSpelling) {
  VmSpec spec = testing::sample_spec();
  spec.networks[0].mac_address = "00:15:5d:0a:0b:0c";
  const auto result = validate_vm_spec(spec);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->networks[0].mac_address, "00155D0A0B0C");
}

TEST(VmSpecValidation, ImageDiskWithoutSizeKeepsImageSize) {
  VmSpec spec = testing::sample_spec();
  spec.disks[0].size_bytes = 0;
  EXPECT_TRUE(validate_vm_spec(spec).ok());
}

struct MacRow {
  const char* input;
  std::optional<std::string> expected;
};

TEST(NormalizeMac, AcceptsCommonSpellingsAndRefusesTheRest) {
  const MacRow rows[] = {
      {"00:15:5D:01:02:03", "00155D010203"},
      {"00-15-5d-01-02-03", "00155D010203"},
      {"00155d010203", "00155D010203"},
      {"00:15:5D:01:02", std::nullopt},
      {"00::15:5D:01:02:03", std::nullopt},
      {"0G:15:5D:01:02:03", std::nullopt},
      {"01:15:5D:01:02:03", std::nullopt},
      {":00:15:5D:01:02:03", std::nullopt},
      {"", std::nullopt},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.input);
    EXPECT_EQ(normalize_mac(row.input), row.expected);
  }
}

struct NameRow {
  const char* text;
  bool label;
  bool subdomain;
};

TEST(NameRules, DnsLabelsAndSubdomains) {
  const NameRow rows[] = {
      {"web-1", true, true},  {"a", true, true},   {"-a", false, false},
      {"a-", false, false},   {"A", false, false}, {"a.b", false, true},
      {"a..b", false, false}, {"", false, false},  {"a_b", false, false},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.text);
    EXPECT_EQ(is_dns_label(row.text), row.label);
    EXPECT_EQ(is_dns_subdomain(row.text), row.subdomain);
  }
  EXPECT_TRUE(is_dns_label(std::string(63, 'a')));
  EXPECT_FALSE(is_dns_label(std::string(64, 'a')));
}

TEST(NameRules, SwitchNamesAllowWhatAdminsTypeButNoShellMetacharacters) {
  EXPECT_TRUE(is_valid_switch_name("Default Switch"));
  EXPECT_TRUE(is_valid_switch_name("External (LAN)"));
  EXPECT_FALSE(is_valid_switch_name(" lan"));
  EXPECT_FALSE(is_valid_switch_name("lan`n"));
  EXPECT_FALSE(is_valid_switch_name("a\nb"));
  EXPECT_FALSE(is_valid_switch_name(std::string(129, 'a')));
}

}  // namespace
}  // namespace hvo::agent
