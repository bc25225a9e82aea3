// One row per semantic rule: a valid object (the full fixture) with one change must produce
// exactly the one expected error.
#include "api/v1alpha1/validation.h"

#include <gtest/gtest.h>

#include <functional>

#include "fixture_files.h"

namespace hvo::api {
namespace {

using testing_support::read_fixture;

k8s::Quantity q(const char* text) {
  return *k8s::Quantity::parse(text);
}

template <typename Kind>
Kind load(const char* file) {
  auto object = Kind::from_json(read_fixture(file));
  EXPECT_TRUE(object.ok()) << object.error().message();
  return *object;
}

template <typename Kind>
struct RuleCase {
  const char* name;
  std::function<void(Kind&)> change;
  const char* error;
};

// What gtest prints for a row, and so what ctest names it by: a name, not the bytes.
template <typename Kind>
void PrintTo(const RuleCase<Kind>& c, std::ostream* os) {
  *os << c.name;
}

template <typename Kind>
void expect_single_error(const char* file, const RuleCase<Kind>& row) {
  Kind object = load<Kind>(file);
  ASSERT_TRUE(validate(object).empty()) << "fixture must be valid: " << k8s::join(validate(object));
  row.change(object);
  const k8s::FieldErrors errors = validate(object);
  ASSERT_EQ(errors.size(), 1u) << k8s::join(errors);
  EXPECT_EQ(errors[0].to_string(), row.error);
}

template <typename Kind>
std::string row_name(const testing::TestParamInfo<RuleCase<Kind>>& info) {
  return info.param.name;
}

using VmRule = RuleCase<VirtualMachine>;
class VirtualMachineRule : public testing::TestWithParam<VmRule> {};
TEST_P(VirtualMachineRule, ReportsOneErrorWithItsPath) {
  expect_single_error("virtual_machine_full.json", GetParam());
}

INSTANTIATE_TEST_SUITE_P(
    Table, VirtualMachineRule,
    testing::Values(
        VmRule{"NameTooLongForHyperV", [](auto& vm) { vm.metadata.name = std::string(101, 'a'); },
               "metadata.name: must be no more than 100 characters (the Hyper-V VM name limit)"},
        VmRule{"NameIsWindowsDeviceName", [](auto& vm) { vm.metadata.name = "con"; },
               "metadata.name: invalid value \"con\": a reserved Windows device name cannot name "
               "a VM folder"},
        VmRule{"CpuCountZero", [](auto& vm) { vm.spec.cpu.count = 0; },
               "spec.cpu.count: must be between 1 and 240, got 0"},
        VmRule{"CpuCountTooLarge", [](auto& vm) { vm.spec.cpu.count = 241; },
               "spec.cpu.count: must be between 1 and 240, got 241"},
        VmRule{"ReserveAboveLimit", [](auto& vm) { vm.spec.cpu.reserve_percent = 95; },
               "spec.cpu.reservePercent: must not exceed spec.cpu.limitPercent"},
        VmRule{"LimitPercentOutOfRange", [](auto& vm) { vm.spec.cpu.limit_percent = 101; },
               "spec.cpu.limitPercent: must be between 0 and 100, got 101"},
        VmRule{"WeightOutOfRange", [](auto& vm) { vm.spec.cpu.weight = 10001; },
               "spec.cpu.weight: must be between 0 and 10000, got 10001"},
        VmRule{"StartupMemoryTooSmall",
               [](auto& vm) {
                 vm.spec.memory.startup = q("16Mi");
                 vm.spec.memory.dynamic.reset();
               },
               "spec.memory.startup: must be at least 32Mi, got 16Mi"},
        VmRule{"StartupMemoryNotMultipleOf2Mi",
               [](auto& vm) { vm.spec.memory.startup = q("4097Mi"); },
               "spec.memory.startup: must be a multiple of 2Mi (Hyper-V's memory granularity), "
               "got 4097Mi"},
        VmRule{"DynamicMinimumAboveStartup",
               [](auto& vm) { vm.spec.memory.dynamic->minimum = q("6Gi"); },
               "spec.memory.dynamic.minimum: must not exceed spec.memory.startup"},
        VmRule{"DynamicMaximumBelowStartup",
               [](auto& vm) { vm.spec.memory.dynamic->maximum = q("3Gi"); },
               "spec.memory.dynamic.maximum: must not be less than spec.memory.startup"},
        VmRule{"BufferPercentOutOfRange",
               [](auto& vm) { vm.spec.memory.dynamic->buffer_percent = 4; },
               "spec.memory.dynamic.bufferPercent: must be between 5 and 2000, got 4"},
        VmRule{"GenerationThree",
               [](auto& vm) {
                 vm.spec.generation = 3;
                 vm.spec.firmware.reset();
               },
               "spec.generation: must be between 1 and 2, got 3"},
        VmRule{"SecureBootNeedsGeneration2",
               [](auto& vm) {
                 vm.spec.generation = 1;
                 vm.spec.firmware->tpm.reset();
               },
               "spec.firmware.secureBoot: requires spec.generation 2"},
        VmRule{"TpmNeedsGeneration2",
               [](auto& vm) {
                 vm.spec.generation = 1;
                 vm.spec.firmware->secure_boot = false;
               },
               "spec.firmware.tpm: requires spec.generation 2"},
        VmRule{"BadImageName", [](auto& vm) { vm.spec.image = "ubuntu/24.04"; },
               "spec.image: invalid value \"ubuntu/24.04\": an image name must be 1 to 128 "
               "letters, digits, '.', '_' or '-', starting and ending with a letter or digit"},
        VmRule{"DuplicateDiskName", [](auto& vm) { vm.spec.disks[1].name = "os"; },
               "spec.disks[1].name: duplicate value \"os\""},
        VmRule{"DiskNameNotDnsLabel", [](auto& vm) { vm.spec.disks[1].name = "Data"; },
               "spec.disks[1].name: invalid value \"Data\": a lowercase RFC 1123 label must "
               "consist of lower case alphanumeric characters or '-', and must start and end "
               "with an alphanumeric character (e.g. 'my-name', or '123-abc')"},
        VmRule{"BlankDiskWithoutSize", [](auto& vm) { vm.spec.disks[1].size.reset(); },
               "spec.disks[1].size: required value for a blank disk"},
        VmRule{"DiskSizeZero", [](auto& vm) { vm.spec.disks[1].size = q("0"); },
               "spec.disks[1].size: must be greater than 0, got 0"},
        VmRule{"DiskSizeAboveVhdxLimit", [](auto& vm) { vm.spec.disks[1].size = q("65Ti"); },
               "spec.disks[1].size: must not exceed 64Ti (the VHDX limit), got 65Ti"},
        VmRule{"TwoImageDisks", [](auto& vm) { vm.spec.disks[1].source = DiskSource::kImage; },
               "spec.disks[1].source: only one disk may be created from the image"},
        VmRule{"ImageDiskWithoutImage", [](auto& vm) { vm.spec.image.clear(); },
               "spec.disks[0].source: a disk from the image requires spec.image"},
        VmRule{"DuplicateNetworkName",
               [](auto& vm) { vm.spec.networks.push_back(vm.spec.networks[0]); },
               "spec.networks[1].name: duplicate value \"lan\""},
        VmRule{"VlanZero", [](auto& vm) { vm.spec.networks[0].vlan_id = 0; },
               "spec.networks[0].vlanId: must be between 1 and 4094, got 0"},
        VmRule{"VlanTooLarge", [](auto& vm) { vm.spec.networks[0].vlan_id = 4095; },
               "spec.networks[0].vlanId: must be between 1 and 4094, got 4095"},
        VmRule{"MalformedMac", [](auto& vm) { vm.spec.networks[0].mac_address = "00:15:5D:01:02"; },
               "spec.networks[0].macAddress: invalid value \"00:15:5D:01:02\": must be six hex "
               "pairs separated by ':' or '-', or twelve hex digits (e.g. 00:15:5D:01:02:03)"},
        VmRule{"MixedMacSeparators",
               [](auto& vm) { vm.spec.networks[0].mac_address = "00:15-5D:01:02:03"; },
               "spec.networks[0].macAddress: invalid value \"00:15-5D:01:02:03\": must be six "
               "hex pairs separated by ':' or '-', or twelve hex digits (e.g. 00:15:5D:01:02:03)"},
        VmRule{"MulticastMac", [](auto& vm) { vm.spec.networks[0].mac_address = "01005E000001"; },
               "spec.networks[0].macAddress: invalid value \"01005E000001\": must be a unicast "
               "address (the first octet must be even)"},
        VmRule{"BadSwitchName", [](auto& vm) { vm.spec.networks[0].switch_name = "sw;rm"; },
               "spec.networks[0].switch: invalid value \"sw;rm\": a switch name must be 1 to 100 "
               "letters, digits, spaces or ._()-, starting with a letter or digit"},
        VmRule{"UserDataAndSecretRef",
               [](auto& vm) { vm.spec.cloud_init->user_data = "#cloud-config\n"; },
               "spec.cloudInit.userDataSecretRef: must not be set together with "
               "spec.cloudInit.userData"},
        VmRule{"SecretRefBadName",
               [](auto& vm) { vm.spec.cloud_init->user_data_secret_ref->name = "Bad_Name"; },
               "spec.cloudInit.userDataSecretRef.name: invalid value \"Bad_Name\": a lowercase "
               "RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
               "'.', and must start and end with an alphanumeric character (e.g. "
               "'example.com')"},
        VmRule{"PinnedHostAndSelector", [](auto& vm) { vm.spec.placement.host = "hv-01"; },
               "spec.placement.hostSelector: must not be set together with spec.placement.host "
               "(a pinned host)"},
        VmRule{"InvalidHostSelector",
               [](auto& vm) {
                 vm.spec.placement.host_selector->match_expressions.push_back(
                     {"gpu", k8s::LabelSelectorOperator::kIn, {}});
               },
               "spec.placement.hostSelector.matchExpressions[0].values: must be specified when "
               "operator is In or NotIn"},
        VmRule{"AntiAffinityGroupNotDnsLabel",
               [](auto& vm) { vm.spec.placement.anti_affinity_group = "Web_Tier"; },
               "spec.placement.antiAffinityGroup: invalid value \"Web_Tier\": a lowercase RFC "
               "1123 label must consist of lower case alphanumeric characters or '-', and must "
               "start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')"},
        VmRule{"ShutdownTimeoutTooLong", [](auto& vm) { vm.spec.shutdown.timeout_seconds = 3601; },
               "spec.shutdown.timeoutSeconds: must be between 0 and 3600, got 3601"}),
    row_name<VirtualMachine>);

TEST(VirtualMachineValidation, ReportsEveryProblemAtOnce) {
  VirtualMachine vm = load<VirtualMachine>("virtual_machine_full.json");
  vm.spec.cpu.count = 0;
  vm.spec.networks[0].vlan_id = 5000;
  vm.spec.placement.host = "hv-01";
  const k8s::FieldErrors errors = validate(vm);
  ASSERT_EQ(errors.size(), 3u) << k8s::join(errors);
  EXPECT_EQ(errors[0].field, "spec.cpu.count");
  EXPECT_EQ(errors[1].field, "spec.networks[0].vlanId");
  EXPECT_EQ(errors[2].field, "spec.placement.hostSelector");
}

using HostRule = RuleCase<HyperVHost>;
class HyperVHostRule : public testing::TestWithParam<HostRule> {};
TEST_P(HyperVHostRule, ReportsOneErrorWithItsPath) {
  expect_single_error("hyperv_host_full.json", GetParam());
}

INSTANTIATE_TEST_SUITE_P(
    Table, HyperVHostRule,
    testing::Values(
        HostRule{"AddressNotHttps", [](auto& h) { h.spec.address = "http://hv-01:9443"; },
                 "spec.address: invalid value \"http://hv-01:9443\": must be an https:// URL"},
        HostRule{"AddressWithoutHost", [](auto& h) { h.spec.address = "https:///agent"; },
                 "spec.address: invalid value \"https:///agent\": must name a host"},
        HostRule{"AddressWithQuery", [](auto& h) { h.spec.address = "https://hv-01/?x=1"; },
                 "spec.address: invalid value \"https://hv-01/?x=1\": must not have a query or "
                 "fragment"},
        HostRule{"AddressBadPort", [](auto& h) { h.spec.address = "https://hv-01:99999"; },
                 "spec.address: invalid value \"https://hv-01:99999\": port must be a number "
                 "between 1 and 65535"},
        HostRule{"SecretNamespaceInvalid",
                 [](auto& h) { h.spec.credentials_secret_ref.namespace_ = "Hyper.V"; },
                 "spec.credentialsSecretRef.namespace: invalid value \"Hyper.V\": a lowercase RFC "
                 "1123 label must consist of lower case alphanumeric characters or '-', and must "
                 "start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')"},
        HostRule{"SecretNameMissing", [](auto& h) { h.spec.credentials_secret_ref.name.clear(); },
                 "spec.credentialsSecretRef.name: invalid value \"\": a lowercase RFC 1123 "
                 "subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
                 "must start and end with an alphanumeric character (e.g. 'example.com')"},
        HostRule{"ZoneNotLabelValue", [](auto& h) { h.spec.zone = "zone a"; },
                 "spec.zone: invalid value \"zone a\": a valid label must be an empty string or "
                 "consist of alphanumeric characters, '-', '_' or '.', and must start and end "
                 "with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345')"},
        HostRule{"ReservedCpuNegative", [](auto& h) { h.spec.reserved->cpu = -1; },
                 "spec.reserved.cpu: must not be negative, got -1"},
        HostRule{"ReservedMemoryNegative", [](auto& h) { h.spec.reserved->memory = q("-1Gi"); },
                 "spec.reserved.memory: must not be negative, got -1Gi"},
        HostRule{"CpuRatioBelowOne", [](auto& h) { h.spec.overcommit.cpu_ratio = 0.5; },
                 "spec.overcommit.cpuRatio: must be between 1 and 16, got 0.500000"},
        HostRule{"MemoryRatioAboveTwo", [](auto& h) { h.spec.overcommit.memory_ratio = 3; },
                 "spec.overcommit.memoryRatio: must be between 1 and 2, got 3.000000"}),
    row_name<HyperVHost>);

using TenantRule = RuleCase<Tenant>;
class TenantRuleTest : public testing::TestWithParam<TenantRule> {};
TEST_P(TenantRuleTest, ReportsOneErrorWithItsPath) {
  expect_single_error("tenant_full.json", GetParam());
}

INSTANTIATE_TEST_SUITE_P(
    Table, TenantRuleTest,
    testing::Values(
        TenantRule{"NoNamespaces", [](auto& t) { t.spec.namespaces.clear(); },
                   "spec.namespaces: must list at least one namespace"},
        TenantRule{"NamespaceNotDnsLabel", [](auto& t) { t.spec.namespaces[1] = "acme.prod"; },
                   "spec.namespaces[1]: invalid value \"acme.prod\": a lowercase RFC 1123 label "
                   "must consist of lower case alphanumeric characters or '-', and must start "
                   "and end with an alphanumeric character (e.g. 'my-name', or '123-abc')"},
        TenantRule{
            "NamespaceTooLong", [](auto& t) { t.spec.namespaces[1] = std::string(64, 'a'); },
            "spec.namespaces[1]: invalid value "
            "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\": must be no "
            "more than 63 characters"},
        TenantRule{"DuplicateNamespace", [](auto& t) { t.spec.namespaces[1] = "acme-dev"; },
                   "spec.namespaces[1]: duplicate value \"acme-dev\""},
        TenantRule{"EmptyAdminUser", [](auto& t) { t.spec.admins->users.push_back(""); },
                   "spec.admins.users[1]: must not be empty"},
        TenantRule{"EmptyAdminGroup", [](auto& t) { t.spec.admins->groups[0].clear(); },
                   "spec.admins.groups[0]: must not be empty"},
        TenantRule{"InvalidHostSelector",
                   [](auto& t) {
                     t.spec.host_selector->match_expressions[0].op =
                         k8s::LabelSelectorOperator::kExists;
                   },
                   "spec.hostSelector.matchExpressions[0].values: may not be specified when "
                   "operator is Exists or DoesNotExist"},
        TenantRule{"VlanOutOfRange", [](auto& t) { t.spec.allowed_vlans[1] = 4095; },
                   "spec.allowedVlans[1]: must be between 1 and 4094, got 4095"},
        TenantRule{"DuplicateVlan", [](auto& t) { t.spec.allowed_vlans[1] = 42; },
                   "spec.allowedVlans[1]: duplicate value 42"},
        TenantRule{"BadSwitchName", [](auto& t) { t.spec.allowed_switches[0] = " lead"; },
                   "spec.allowedSwitches[0]: invalid value \" lead\": a switch name must be 1 to "
                   "100 letters, digits, spaces or ._()-, starting with a letter or digit"},
        TenantRule{"BadImageName", [](auto& t) { t.spec.allowed_images[0] = "-x"; },
                   "spec.allowedImages[0]: invalid value \"-x\": an image name must be 1 to 128 "
                   "letters, digits, '.', '_' or '-', starting and ending with a letter or "
                   "digit"}),
    row_name<Tenant>);

using QuotaRule = RuleCase<Quota>;
class QuotaRuleTest : public testing::TestWithParam<QuotaRule> {};
TEST_P(QuotaRuleTest, ReportsOneErrorWithItsPath) {
  expect_single_error("quota_full.json", GetParam());
}

INSTANTIATE_TEST_SUITE_P(
    Table, QuotaRuleTest,
    testing::Values(
        QuotaRule{"TenantMissing", [](auto& x) { x.spec.tenant.clear(); },
                  "spec.tenant: invalid value \"\": a lowercase RFC 1123 subdomain must consist "
                  "of lower case alphanumeric characters, '-' or '.', and must start and end "
                  "with an alphanumeric character (e.g. 'example.com')"},
        QuotaRule{"NegativeVcpus", [](auto& x) { x.spec.hard.vcpus = -1; },
                  "spec.hard.vcpus: must not be negative, got -1"},
        QuotaRule{"NegativeMemory", [](auto& x) { x.spec.hard.memory = q("-1Gi"); },
                  "spec.hard.memory: must not be negative, got -1Gi"},
        QuotaRule{"NegativeStorage", [](auto& x) { x.spec.hard.storage = q("-500m"); },
                  "spec.hard.storage: must not be negative, got -500m"},
        QuotaRule{"NegativeVms", [](auto& x) { x.spec.hard.vms = -2; },
                  "spec.hard.vms: must not be negative, got -2"},
        QuotaRule{"InvalidHostSelector",
                  [](auto& x) { x.spec.host_selector->match_labels["bad key!"] = "a"; },
                  "spec.hostSelector.matchLabels: invalid value \"bad key!\": name part must "
                  "consist of alphanumeric characters, '-', '_' or '.', and must start and end "
                  "with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc')"}),
    row_name<Quota>);

TEST(QuotaValidation, ZeroLimitsAndAbsentLimitsAreValid) {
  Quota quota = load<Quota>("quota_full.json");
  quota.spec.hard = QuotaAmounts{};
  EXPECT_TRUE(validate(quota).empty());
  quota.spec.hard.vms = 0;
  quota.spec.hard.memory = q("0");
  EXPECT_TRUE(validate(quota).empty());
}

}  // namespace
}  // namespace hvo::api
