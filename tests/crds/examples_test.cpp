#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "api/schema/structural_schema.h"
#include "tests/crds/manifest_files.h"

namespace hvo::testing {
namespace {

using nlohmann::json;

const std::map<std::string, json>& crds() {
  static const std::map<std::string, json> loaded = crds_by_kind();
  return loaded;
}

const std::vector<Manifest>& examples() {
  static const std::vector<Manifest> loaded = load_manifests(examples_dir());
  return loaded;
}

bool is_operator_kind(const json& object) {
  return object.value("apiVersion", "") == "hyperv.operator.io/v1alpha1";
}

// Core objects the examples need besides the custom resources. They are not validated against a
// CRD (the API server has built-in rules for them); only these kinds may appear.
bool is_core_kind(const json& object) {
  const std::string kind = object.value("kind", "");
  return object.value("apiVersion", "") == "v1" && (kind == "Namespace" || kind == "Secret");
}

// What the API server stores for an example: pruned, defaulted, validated. Returns the causes.
std::vector<schema::FieldError> admit(json object, std::vector<std::string>* pruned) {
  const json& schema = openapi_schema(crds().at(object["kind"].get<std::string>()));
  schema::prune(schema, object, pruned);
  schema::apply_defaults(schema, object);
  return schema::validate(schema, object);
}

std::string describe(const std::vector<schema::FieldError>& errors) {
  std::string text;
  for (const auto& e : errors)
    text += "\n  " + e.field + ": " + e.message + " (" + e.reason + ")";
  return text;
}

TEST(Examples, EveryManifestIsAKnownKind) {
  ASSERT_FALSE(examples().empty());
  for (const Manifest& m : examples()) {
    const bool known = is_core_kind(m.object) ||
                       (is_operator_kind(m.object) && crds().count(m.object.value("kind", "")));
    EXPECT_TRUE(known) << m.label();
  }
}

TEST(Examples, EveryCustomResourceValidatesAgainstItsCrdAfterDefaulting) {
  int checked = 0;
  for (const Manifest& m : examples()) {
    if (is_core_kind(m.object))
      continue;  // Namespace and Secret: no CRD schema to check
    ASSERT_TRUE(crds().count(m.object.value("kind", ""))) << m.label();
    std::vector<std::string> pruned;
    const auto errors = admit(m.object, &pruned);
    EXPECT_TRUE(errors.empty()) << m.label() << describe(errors);
    EXPECT_TRUE(pruned.empty()) << m.label() << " has fields the CRD does not declare: "
                                << ::testing::PrintToString(pruned);
    ++checked;
  }
  EXPECT_GE(checked, 7);
}

TEST(Examples, ScopeMatchesTheCrd) {
  for (const Manifest& m : examples()) {
    if (!is_operator_kind(m.object))
      continue;
    const bool namespaced = crds().at(m.object["kind"])["spec"]["scope"] == "Namespaced";
    EXPECT_EQ(m.object["metadata"].contains("namespace"), namespaced) << m.label();
  }
}

std::vector<const json*> of_kind(const std::string& kind) {
  std::vector<const json*> found;
  for (const Manifest& m : examples()) {
    if (m.object.value("kind", "") == kind)
      found.push_back(&m.object);
  }
  return found;
}

TEST(Examples, CoverTheDocumentedScenarios) {
  const auto vms = of_kind("VirtualMachine");
  const auto hosts = of_kind("HyperVHost");
  EXPECT_GE(vms.size(), 2u);
  EXPECT_GE(hosts.size(), 2u);
  EXPECT_GE(of_kind("Tenant").size(), 1u);
  EXPECT_GE(of_kind("Quota").size(), 1u);
  const bool cloud_init_and_vlan = std::any_of(vms.begin(), vms.end(), [](const json* vm) {
    const json& spec = (*vm)["spec"];
    return spec.contains("cloudInit") && spec.contains("networks") &&
           spec["networks"][0].contains("vlanId");
  });
  EXPECT_TRUE(cloud_init_and_vlan);
  const bool minimal =
      std::any_of(vms.begin(), vms.end(), [](const json* vm) { return (*vm)["spec"].size() <= 4; });
  EXPECT_TRUE(minimal) << "a VirtualMachine with only a few spec fields";
}

// `kubectl apply -f examples/` on an empty cluster: every reference resolves within examples/.
TEST(Examples, ReferencesResolveWithinTheExamples) {
  std::set<std::string> namespaces, secrets, tenants, tenant_namespaces, hosts;
  for (const Manifest& m : examples()) {
    const std::string kind = m.object.value("kind", "");
    const json& meta = m.object["metadata"];
    if (kind == "Namespace")
      namespaces.insert(meta["name"].get<std::string>());
    if (kind == "Secret") {
      secrets.insert(meta.value("namespace", "") + "/" + meta["name"].get<std::string>());
    }
    if (kind == "HyperVHost")
      hosts.insert(meta["name"].get<std::string>());
    if (kind == "Tenant") {
      tenants.insert(meta["name"].get<std::string>());
      for (const json& ns : m.object["spec"]["namespaces"])
        tenant_namespaces.insert(ns.get<std::string>());
    }
  }
  for (const Manifest& m : examples()) {
    const std::string kind = m.object.value("kind", "");
    const json& meta = m.object["metadata"];
    const json& spec = m.object.contains("spec") ? m.object["spec"] : json::object();
    if (meta.contains("namespace")) {
      EXPECT_TRUE(namespaces.count(meta["namespace"].get<std::string>())) << m.label();
    }
    if (kind == "HyperVHost") {
      const json& ref = spec["credentialsSecretRef"];
      EXPECT_TRUE(
          secrets.count(ref["namespace"].get<std::string>() + "/" + ref["name"].get<std::string>()))
          << m.label();
    }
    if (kind == "Quota") {
      EXPECT_TRUE(tenants.count(spec["tenant"].get<std::string>())) << m.label();
    }
    if (kind == "VirtualMachine") {
      EXPECT_TRUE(tenant_namespaces.count(meta["namespace"].get<std::string>())) << m.label();
      if (spec.contains("placement") && spec["placement"].contains("host")) {
        EXPECT_TRUE(hosts.count(spec["placement"]["host"].get<std::string>())) << m.label();
      }
      if (spec.contains("cloudInit") && spec["cloudInit"].contains("userDataSecretRef")) {
        EXPECT_TRUE(
            secrets.count(meta["namespace"].get<std::string>() + "/" +
                          spec["cloudInit"]["userDataSecretRef"]["name"].get<std::string>()))
            << m.label();
      }
    }
  }
}

// Broken copies of the examples: the schema must reject each, naming the field.
struct BrokenExample {
  std::string name;
  std::string kind;
  std::string object_name;
  std::string pointer;  // JSON pointer of the field to change
  json value;           // new value; null removes the field
  std::string field;    // expected cause
  std::string reason;
};

// What gtest prints for a row, and so what ctest names it by: a name, not the bytes.
void PrintTo(const BrokenExample& c, std::ostream* os) {
  *os << c.name;
}

class InvalidExample : public ::testing::TestWithParam<BrokenExample> {};

TEST_P(InvalidExample, IsRejectedNamingTheField) {
  const BrokenExample& c = GetParam();
  const json* original = nullptr;
  for (const Manifest& m : examples()) {
    if (m.object.value("kind", "") == c.kind && m.object["metadata"]["name"] == c.object_name) {
      original = &m.object;
    }
  }
  ASSERT_NE(original, nullptr) << c.kind << " " << c.object_name;
  json broken = *original;
  const json::json_pointer pointer(c.pointer);
  if (c.value.is_null()) {
    broken.at(pointer.parent_pointer()).erase(pointer.back());
  } else {
    broken[pointer] = c.value;
  }
  const auto errors = admit(broken, nullptr);
  const bool named = std::any_of(errors.begin(), errors.end(), [&](const schema::FieldError& e) {
    return e.field == c.field && e.reason == c.reason;
  });
  EXPECT_TRUE(named) << "expected " << c.field << " (" << c.reason << "), got" << describe(errors);
}

INSTANTIATE_TEST_SUITE_P(
    Table, InvalidExample,
    ::testing::Values(
        BrokenExample{"UnknownRunStrategy", "VirtualMachine", "minimal", "/spec/runStrategy",
                      "Sometimes", "spec.runStrategy", "FieldValueNotSupported"},
        BrokenExample{"GenerationThree", "VirtualMachine", "minimal", "/spec/generation", 3,
                      "spec.generation", "FieldValueNotSupported"},
        BrokenExample{"ZeroCpus", "VirtualMachine", "minimal", "/spec/cpu/count", 0,
                      "spec.cpu.count", "FieldValueInvalid"},
        BrokenExample{"TooManyCpus", "VirtualMachine", "minimal", "/spec/cpu/count", 241,
                      "spec.cpu.count", "FieldValueInvalid"},
        BrokenExample{"CpuCountAsWord", "VirtualMachine", "minimal", "/spec/cpu/count", "two",
                      "spec.cpu.count", "FieldValueTypeInvalid"},
        BrokenExample{"Vlan5000", "VirtualMachine", "minimal", "/spec/networks/0/vlanId", 5000,
                      "spec.networks[0].vlanId", "FieldValueInvalid"},
        BrokenExample{"BadQuantity", "VirtualMachine", "minimal", "/spec/memory/startup", "4 GB",
                      "spec.memory.startup", "FieldValueInvalid"},
        BrokenExample{"NegativeQuantity", "VirtualMachine", "web-1", "/spec/memory/dynamic/minimum",
                      "-2Gi", "spec.memory.dynamic.minimum", "FieldValueInvalid"},
        BrokenExample{"MissingCpu", "VirtualMachine", "minimal", "/spec/cpu", nullptr, "spec.cpu",
                      "FieldValueRequired"},
        BrokenExample{"MissingStartupMemory", "VirtualMachine", "web-1", "/spec/memory/startup",
                      nullptr, "spec.memory.startup", "FieldValueRequired"},
        BrokenExample{"BadMacAddress", "VirtualMachine", "web-1", "/spec/networks/0/macAddress",
                      "00:15:5D:0A:01", "spec.networks[0].macAddress", "FieldValueInvalid"},
        BrokenExample{"DiskNameNotDnsLabel", "VirtualMachine", "web-1", "/spec/disks/1/name",
                      "Data_Disk", "spec.disks[1].name", "FieldValueInvalid"},
        BrokenExample{"DuplicateDiskName", "VirtualMachine", "web-1", "/spec/disks/1/name", "os",
                      "spec.disks[1]", "FieldValueDuplicate"},
        BrokenExample{"UnknownDiskSource", "VirtualMachine", "web-1", "/spec/disks/1/source", "iso",
                      "spec.disks[1].source", "FieldValueNotSupported"},
        BrokenExample{"UnknownShutdownMode", "VirtualMachine", "web-1", "/spec/shutdown/mode",
                      "PullThePlug", "spec.shutdown.mode", "FieldValueNotSupported"},
        BrokenExample{"UnknownPlacementStrategy", "VirtualMachine", "web-1",
                      "/spec/placement/strategy", "Random", "spec.placement.strategy",
                      "FieldValueNotSupported"},
        BrokenExample{"RestartTimeNotATimestamp", "VirtualMachine", "minimal",
                      "/spec/restartRequestedAt", "now", "spec.restartRequestedAt",
                      "FieldValueInvalid"},
        BrokenExample{"HostAddressNotHttps", "HyperVHost", "hv-01", "/spec/address",
                      "http://hv-01.example.net:9443", "spec.address", "FieldValueInvalid"},
        BrokenExample{"HostWithoutSecretNamespace", "HyperVHost", "hv-01",
                      "/spec/credentialsSecretRef/namespace", nullptr,
                      "spec.credentialsSecretRef.namespace", "FieldValueRequired"},
        BrokenExample{"CpuRatioAboveBound", "HyperVHost", "hv-01", "/spec/overcommit/cpuRatio", 32,
                      "spec.overcommit.cpuRatio", "FieldValueInvalid"},
        BrokenExample{"TenantNamespaceNotDnsLabel", "Tenant", "team-a", "/spec/namespaces/0",
                      "Team_A", "spec.namespaces[0]", "FieldValueInvalid"},
        BrokenExample{"TenantVlanZero", "Tenant", "team-a", "/spec/allowedVlans/0", 0,
                      "spec.allowedVlans[0]", "FieldValueInvalid"},
        BrokenExample{"TenantSelectorOperator", "Tenant", "team-a",
                      "/spec/hostSelector/matchExpressions/0/operator", "Like",
                      "spec.hostSelector.matchExpressions[0].operator", "FieldValueNotSupported"},
        BrokenExample{"QuotaWithoutTenant", "Quota", "team-a", "/spec/tenant", nullptr,
                      "spec.tenant", "FieldValueRequired"},
        BrokenExample{"QuotaNegativeVcpus", "Quota", "team-a", "/spec/hard/vcpus", -1,
                      "spec.hard.vcpus", "FieldValueInvalid"},
        BrokenExample{"QuotaBadStorage", "Quota", "team-a", "/spec/hard/storage", "2 TB",
                      "spec.hard.storage", "FieldValueInvalid"}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace hvo::testing
