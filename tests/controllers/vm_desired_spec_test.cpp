// The agent spec built from a VirtualMachine, and the tenant's switch/VLAN/image policy.
#include "controllers/vm_desired_spec.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace hvo::controllers {
namespace {

constexpr std::int64_t kGi = 1LL << 30;

nlohmann::json vm_json() {
  return nlohmann::json::parse(R"({
    "apiVersion": "hyperv.operator.io/v1alpha1", "kind": "VirtualMachine",
    "metadata": {"name": "web-1", "namespace": "team-a", "uid": "u-1", "generation": 4},
    "spec": {
      "runStrategy": "Always", "generation": 2,
      "cpu": {"count": 4, "weight": 200},
      "memory": {"startup": "4Gi", "dynamic": {"minimum": "2Gi", "maximum": "8Gi"}},
      "firmware": {"secureBoot": true, "secureBootTemplate": "MicrosoftUEFICertificateAuthority"},
      "image": "ubuntu-24.04",
      "disks": [{"name": "os", "source": "image", "size": "40Gi"},
                {"name": "data", "source": "blank", "size": "100Gi"}],
      "networks": [{"name": "lan", "switch": "external", "vlanId": 20,
                    "macAddress": "00:15:5d:0a:0b:0c"}],
      "cloudInit": {"metaData": "instance-id: web-1"},
      "shutdown": {"mode": "Graceful", "timeoutSeconds": 300}
    }
  })");
}

api::VirtualMachine vm_from(const nlohmann::json& json) {
  auto vm = api::VirtualMachine::from_json(json);
  EXPECT_TRUE(vm.ok()) << vm.error().message();
  return std::move(vm).value();
}

TEST(DesiredVmSpec, ConvertsQuantitiesDefaultsAndMac) {
  auto spec = desired_vm_spec(vm_from(vm_json()), std::string("#cloud-config\n"),
                              agent::PowerIntent::kRunning);

  ASSERT_TRUE(spec.ok()) << spec.error().message();
  EXPECT_EQ(spec->uid, "u-1");
  EXPECT_EQ(spec->namespace_, "team-a");
  EXPECT_EQ(spec->object_generation, 4);
  EXPECT_EQ(spec->cpu.count, 4);
  EXPECT_EQ(spec->cpu.weight, 200);
  EXPECT_EQ(spec->cpu.limit_percent, 100);
  EXPECT_EQ(spec->memory.startup_bytes, 4 * kGi);
  ASSERT_TRUE(spec->memory.dynamic);
  EXPECT_EQ(spec->memory.dynamic->minimum_bytes, 2 * kGi);
  EXPECT_EQ(spec->memory.dynamic->maximum_bytes, 8 * kGi);
  EXPECT_TRUE(spec->firmware.secure_boot);
  EXPECT_EQ(spec->firmware.secure_boot_template, "MicrosoftUEFICertificateAuthority");
  ASSERT_EQ(spec->disks.size(), 2u);
  EXPECT_EQ(spec->disks[0].source, agent::DiskSource::kImage);
  EXPECT_EQ(spec->disks[1].size_bytes, 100 * kGi);
  ASSERT_EQ(spec->networks.size(), 1u);
  EXPECT_EQ(spec->networks[0].mac_address, "00155D0A0B0C");
  EXPECT_EQ(spec->networks[0].vlan_id, 20);
  ASSERT_TRUE(spec->cloud_init);
  EXPECT_EQ(spec->cloud_init->user_data, "#cloud-config\n");
  EXPECT_EQ(spec->cloud_init->meta_data, "instance-id: web-1");
  EXPECT_EQ(spec->power, agent::PowerIntent::kRunning);
  EXPECT_EQ(spec->shutdown_timeout_seconds, 300);
}

struct InvalidCase {
  const char* name;
  const char* pointer;  // JSON pointer into the VM
  nlohmann::json value;
  const char* message;
};

// What gtest prints for a row, and so what ctest names it by: a name, not the bytes.
void PrintTo(const InvalidCase& c, std::ostream* os) {
  *os << c.name;
}

class DesiredVmSpecInvalid : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(DesiredVmSpecInvalid, NamesTheField) {
  const InvalidCase& c = GetParam();
  nlohmann::json json = vm_json();
  json[nlohmann::json::json_pointer(c.pointer)] = c.value;

  auto spec = desired_vm_spec(vm_from(json), std::nullopt, agent::PowerIntent::kRunning);

  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(spec.error().message(), c.message);
}

const InvalidCase kInvalid[] = {
    {"BadMac", "/spec/networks/0/macAddress", "00:15:5d",
     "spec.networks[0].macAddress: \"00:15:5d\" is not a MAC address (12 hex digits)"},
    {"DynamicMaximumBelowStartup", "/spec/memory/dynamic/maximum", "1Gi",
     "spec.memory.dynamic.maximum: must not be less than spec.memory.startup"},
    {"DynamicMinimumAboveStartup", "/spec/memory/dynamic/minimum", "6Gi",
     "spec.memory.dynamic.minimum: must not exceed spec.memory.startup"},
    {"ImageDiskWithoutImage", "/spec/image", "",
     "spec.disks[0].source: is image, but spec.image names no base image"},
    {"BlankDiskWithoutSize",
     "/spec/disks/1",
     {{"name", "data"}, {"source", "blank"}},
     "spec.disks[1].size: is required for a blank disk"},
    {"ZeroStartupMemory", "/spec/memory/startup", "0",
     "spec.memory.startup: must be more than zero, got 0"},
};

INSTANTIATE_TEST_SUITE_P(Cases, DesiredVmSpecInvalid, ::testing::ValuesIn(kInvalid),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(MacAddress, AcceptsColonsDashesAndBareDigits) {
  EXPECT_EQ(normalize_mac_address("00-15-5D-0A-0B-0C"), "00155D0A0B0C");
  EXPECT_EQ(normalize_mac_address("00155d0a0b0c"), "00155D0A0B0C");
  EXPECT_EQ(normalize_mac_address("00155d0a0b0g"), std::nullopt);
  EXPECT_EQ(normalize_mac_address("00155d0a0b0c0d"), std::nullopt);
}

TenantPolicy policy() {
  TenantPolicy policy;
  policy.tenant = "team-a";
  policy.allowed_switches = {"external", "mgmt"};
  policy.allowed_vlans = {20, 30};
  policy.allowed_images = {"ubuntu-24.04"};
  return policy;
}

TEST(TenantPolicy, AllowedVmPasses) {
  EXPECT_TRUE(check_tenant_policy(vm_from(vm_json()).spec, policy()).ok());
}

TEST(TenantPolicy, EmptyListsAllowEverything) {
  TenantPolicy open;
  open.tenant = "team-a";
  nlohmann::json json = vm_json();
  json["spec"]["networks"][0]["switch"] = "dmz";
  EXPECT_TRUE(check_tenant_policy(vm_from(json).spec, open).ok());
}

TEST(TenantPolicy, ForbiddenSwitchNamesFieldAndAllowedOnes) {
  nlohmann::json json = vm_json();
  json["spec"]["networks"][0]["switch"] = "dmz";

  const Status status = check_tenant_policy(vm_from(json).spec, policy());

  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message(),
            "spec.networks[0].switch: switch \"dmz\" is not allowed for tenant team-a (allowed: "
            "external, mgmt)");
}

TEST(TenantPolicy, ForbiddenVlanAndImage) {
  nlohmann::json vlan = vm_json();
  vlan["spec"]["networks"][0]["vlanId"] = 99;
  const Status vlan_status = check_tenant_policy(vm_from(vlan).spec, policy());
  ASSERT_FALSE(vlan_status.ok());
  EXPECT_EQ(vlan_status.error().message(),
            "spec.networks[0].vlanId: VLAN 99 is not allowed for tenant team-a (allowed: 20, 30)");

  nlohmann::json image = vm_json();
  image["spec"]["image"] = "rocky-10";
  const Status image_status = check_tenant_policy(vm_from(image).spec, policy());
  ASSERT_FALSE(image_status.ok());
  EXPECT_EQ(image_status.error().message(),
            "spec.image: image \"rocky-10\" is not allowed for tenant team-a (allowed: "
            "ubuntu-24.04)");
}

TEST(TenantPolicy, UntaggedNicIsRefusedWhenVlansAreRestricted) {
  nlohmann::json json = vm_json();
  json["spec"]["networks"][0].erase("vlanId");

  const Status status = check_tenant_policy(vm_from(json).spec, policy());

  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message(),
            "spec.networks[0].vlanId: is required: tenant team-a allows only VLANs 20, 30");
}

}  // namespace
}  // namespace hvo::controllers
