#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "api/schema/structural_schema.h"
#include "tests/crds/manifest_files.h"
#include "tests/crds/schema_walk.h"

namespace hvo::testing {
namespace {

using nlohmann::json;

const std::map<std::string, json>& crds() {
  static const std::map<std::string, json> loaded = crds_by_kind();
  return loaded;
}

const json& crd(const std::string& kind) {
  auto it = crds().find(kind);
  if (it == crds().end()) {
    static const json kMissing = json::object();
    ADD_FAILURE() << "no CRD for kind " << kind;
    return kMissing;
  }
  return it->second;
}

struct Identity {
  std::string kind;
  std::string plural;
  std::string singular;
  std::string scope;
  std::string short_name;
};

// What gtest prints for a row, and so what ctest names it by: a name, not the bytes.
void PrintTo(const Identity& c, std::ostream* os) {
  *os << c.kind;
}

class CrdIdentity : public ::testing::TestWithParam<Identity> {};

TEST_P(CrdIdentity, HasTheAgreedNamesVersionAndSubresources) {
  const Identity& c = GetParam();
  const json& d = crd(c.kind);
  ASSERT_FALSE(d.empty());
  EXPECT_EQ(d["apiVersion"], "apiextensions.k8s.io/v1");
  EXPECT_EQ(d["kind"], "CustomResourceDefinition");
  EXPECT_EQ(d["metadata"]["name"], c.plural + ".hyperv.operator.io");
  EXPECT_EQ(d["spec"]["group"], "hyperv.operator.io");
  EXPECT_EQ(d["spec"]["scope"], c.scope);
  EXPECT_EQ(d["spec"]["names"]["plural"], c.plural);
  EXPECT_EQ(d["spec"]["names"]["singular"], c.singular);
  EXPECT_EQ(d["spec"]["names"]["listKind"], c.kind + "List");
  EXPECT_EQ(d["spec"]["names"]["shortNames"], json::array({c.short_name}));
  EXPECT_EQ(d["spec"]["names"]["categories"], json::array({"hyperv"}));
  ASSERT_EQ(d["spec"]["versions"].size(), 1u);
  const json& version = d["spec"]["versions"][0];
  EXPECT_EQ(version["name"], "v1alpha1");
  EXPECT_EQ(version["served"], true);
  EXPECT_EQ(version["storage"], true);
  EXPECT_EQ(version["subresources"]["status"], json::object());
}

TEST_P(CrdIdentity, LivesInTheFileNamedAfterGroupAndPlural) {
  const Identity& c = GetParam();
  bool found = false;
  for (const Manifest& m : load_manifests(crds_dir())) {
    if (m.object["spec"]["names"]["kind"] == c.kind) {
      EXPECT_EQ(m.file, "hyperv.operator.io_" + c.plural + ".yaml");
      EXPECT_EQ(m.index, 0u);
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

TEST_P(CrdIdentity, SchemaIsStructural) {
  const std::vector<std::string> problems =
      schema::check_structural(openapi_schema(crd(GetParam().kind)));
  EXPECT_TRUE(problems.empty()) << ::testing::PrintToString(problems);
}

TEST_P(CrdIdentity, EveryPropertyAtEveryDepthHasADescription) {
  std::vector<std::string> undescribed;
  for_each_property(openapi_schema(crd(GetParam().kind)),
                    [&](const std::string& path, const json& node) {
                      // The root metadata is ObjectMeta: the API server forbids describing it in a
                      // CRD and kubectl explain prints ObjectMeta's own documentation.
                      if (path == "metadata")
                        return;
                      const auto description = node.find("description");
                      if (description == node.end() || !description->is_string() ||
                          description->get<std::string>().size() < 10) {
                        undescribed.push_back(path);
                      }
                    });
  EXPECT_TRUE(undescribed.empty()) << ::testing::PrintToString(undescribed);
}

TEST_P(CrdIdentity, StatusCarriesObservedGenerationAndMetav1Conditions) {
  const json& root = openapi_schema(crd(GetParam().kind));
  const json* generation = schema_at(root, "status.observedGeneration");
  ASSERT_NE(generation, nullptr);
  EXPECT_EQ((*generation)["type"], "integer");
  const json* conditions = schema_at(root, "status.conditions");
  ASSERT_NE(conditions, nullptr);
  EXPECT_EQ((*conditions)["x-kubernetes-list-type"], "map");
  EXPECT_EQ((*conditions)["x-kubernetes-list-map-keys"], json::array({"type"}));
  const json& item = (*conditions)["items"];
  EXPECT_EQ(item["required"],
            json::array({"type", "status", "lastTransitionTime", "reason", "message"}));
  EXPECT_EQ(item["properties"]["status"]["enum"], json::array({"True", "False", "Unknown"}));
  EXPECT_EQ(item["properties"]["lastTransitionTime"]["format"], "date-time");
  EXPECT_NE(schema_at(root, "status.conditions[].observedGeneration"), nullptr);
}

TEST_P(CrdIdentity, PrinterColumnsPointAtSchemaFields) {
  const json& d = crd(GetParam().kind);
  const json& root = openapi_schema(d);
  for (const json& column : d["spec"]["versions"][0]["additionalPrinterColumns"]) {
    const std::string jsonpath = column["jsonPath"];
    const std::string path = jsonpath_to_schema_path(jsonpath);
    if (path == "metadata.creationTimestamp") {
      EXPECT_EQ(column["type"], "date");
      continue;
    }
    const json* node = schema_at(root, path);
    ASSERT_NE(node, nullptr) << column["name"] << " -> " << jsonpath;
    // The column type must be able to show the field's value.
    const std::string type = column["type"];
    if (type == "integer") {
      EXPECT_EQ((*node)["type"], "integer") << column["name"];
    }
    if (type == "date") {
      EXPECT_EQ((*node)["format"], "date-time") << column["name"];
    }
  }
}

TEST_P(CrdIdentity, EveryDefaultValidatesAgainstItsOwnSchema) {
  for_each_default(
      openapi_schema(crd(GetParam().kind)), [&](const std::string& path, const json& node) {
        json value = node["default"];
        schema::apply_defaults(node, value);
        const auto errors = schema::validate(node, value, path);
        EXPECT_TRUE(errors.empty()) << path << ": " << (errors.empty() ? "" : errors[0].message);
      });
}

// Status writers (the VM reconciler above all) go on with the status they sent instead of
// decoding the server's answer: a default in a status schema would make the stored status
// differ from the sent one and every later pass write again.
TEST_P(CrdIdentity, StatusHasNoDefaults) {
  std::vector<std::string> defaulted;
  for_each_default(openapi_schema(crd(GetParam().kind)), [&](const std::string& path, const json&) {
    if (path.rfind("status", 0) == 0)
      defaulted.push_back(path);
  });
  EXPECT_TRUE(defaulted.empty()) << ::testing::PrintToString(defaulted);
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, CrdIdentity,
    ::testing::Values(Identity{"VirtualMachine", "virtualmachines", "virtualmachine", "Namespaced",
                               "hvm"},
                      Identity{"HyperVHost", "hypervhosts", "hypervhost", "Cluster", "hvh"},
                      Identity{"Tenant", "tenants", "tenant", "Cluster", "tn"},
                      Identity{"Quota", "quotas", "quota", "Cluster", "hvq"},
                      Identity{"VirtualMachineMigration", "virtualmachinemigrations",
                               "virtualmachinemigration", "Namespaced", "hvmm"}),
    [](const auto& info) { return info.param.kind; });

TEST(CrdFiles, ExactlyTheFiveKinds) {
  std::vector<std::string> kinds;
  for (const auto& [kind, d] : crds())
    kinds.push_back(kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"HyperVHost", "Quota", "Tenant", "VirtualMachine",
                                             "VirtualMachineMigration"}));
}

std::vector<std::string> column_names(const std::string& kind, bool wide) {
  std::vector<std::string> names;
  for (const json& column : crd(kind)["spec"]["versions"][0]["additionalPrinterColumns"]) {
    if (wide || column.value("priority", 0) == 0)
      names.push_back(column["name"]);
  }
  return names;
}

TEST(CrdPrinterColumns, VirtualMachineShowsPhaseHostCpuMemoryIpReadyAge) {
  EXPECT_EQ(column_names("VirtualMachine", false),
            (std::vector<std::string>{"Phase", "Host", "CPU", "Memory", "IP", "Ready", "Age"}));
}

TEST(CrdPrinterColumns, HyperVHostShowsReadyZoneCpuMemoryVmsAge) {
  EXPECT_EQ(column_names("HyperVHost", false),
            (std::vector<std::string>{"Ready", "Zone", "CPU", "Memory", "VMs", "Age"}));
}

TEST(CrdPrinterColumns, TenantAndQuotaShowUsageAndReady) {
  const auto tenant = column_names("Tenant", false);
  const auto quota = column_names("Quota", false);
  for (const auto* names : {&tenant, &quota}) {
    EXPECT_NE(std::find(names->begin(), names->end(), "Ready"), names->end());
    EXPECT_NE(std::find(names->begin(), names->end(), "VMs"), names->end());
    EXPECT_EQ(names->back(), "Age");
  }
}

TEST(CrdPrinterColumns, VirtualMachineMigrationShowsVmPhaseSourceTargetAge) {
  EXPECT_EQ(column_names("VirtualMachineMigration", false),
            (std::vector<std::string>{"VM", "Phase", "Source", "Target", "Age"}));
  EXPECT_EQ(column_names("VirtualMachineMigration", true),
            (std::vector<std::string>{"VM", "Phase", "Source", "Target", "Progress", "Age"}));
}

// The field names agreed with the C++ types (api/v1alpha1); renaming one breaks the operator.
struct FieldCase {
  std::string kind;
  std::string path;
  std::string type;  // "int-or-string" for quantities
};

void PrintTo(const FieldCase& c, std::ostream* os) {
  *os << c.kind << " " << c.path;
}

class CrdFields : public ::testing::TestWithParam<FieldCase> {};

TEST_P(CrdFields, AgreedFieldExistsWithItsType) {
  const FieldCase& c = GetParam();
  const json* node = schema_at(openapi_schema(crd(c.kind)), c.path);
  ASSERT_NE(node, nullptr) << c.kind << " " << c.path;
  if (c.type == "int-or-string") {
    EXPECT_EQ((*node)["x-kubernetes-int-or-string"], true) << c.path;
  } else {
    EXPECT_EQ((*node)["type"], c.type) << c.path;
  }
}

std::vector<FieldCase> agreed_fields() {
  std::vector<FieldCase> rows;
  const auto add = [&](const std::string& kind,
                       const std::vector<std::pair<std::string, std::string>>& fields) {
    for (const auto& [path, type] : fields)
      rows.push_back({kind, path, type});
  };
  add("VirtualMachine", {{"spec.runStrategy", "string"},
                         {"spec.generation", "integer"},
                         {"spec.cpu.count", "integer"},
                         {"spec.cpu.reservePercent", "integer"},
                         {"spec.cpu.limitPercent", "integer"},
                         {"spec.cpu.weight", "integer"},
                         {"spec.cpu.exposeVirtualizationExtensions", "boolean"},
                         {"spec.memory.startup", "int-or-string"},
                         {"spec.memory.dynamic.minimum", "int-or-string"},
                         {"spec.memory.dynamic.maximum", "int-or-string"},
                         {"spec.memory.dynamic.bufferPercent", "integer"},
                         {"spec.firmware.secureBoot", "boolean"},
                         {"spec.firmware.secureBootTemplate", "string"},
                         {"spec.firmware.tpm", "boolean"},
                         {"spec.image", "string"},
                         {"spec.disks[].name", "string"},
                         {"spec.disks[].size", "int-or-string"},
                         {"spec.disks[].source", "string"},
                         {"spec.networks[].name", "string"},
                         {"spec.networks[].switch", "string"},
                         {"spec.networks[].vlanId", "integer"},
                         {"spec.networks[].macAddress", "string"},
                         {"spec.cloudInit.userData", "string"},
                         {"spec.cloudInit.userDataSecretRef.name", "string"},
                         {"spec.cloudInit.userDataSecretRef.key", "string"},
                         {"spec.cloudInit.networkData", "string"},
                         {"spec.cloudInit.metaData", "string"},
                         {"spec.placement.host", "string"},
                         {"spec.placement.hostSelector.matchLabels", "object"},
                         {"spec.placement.hostSelector.matchExpressions[].operator", "string"},
                         {"spec.placement.strategy", "string"},
                         {"spec.placement.antiAffinityGroup", "string"},
                         {"spec.shutdown.mode", "string"},
                         {"spec.shutdown.timeoutSeconds", "integer"},
                         {"spec.restartRequestedAt", "string"},
                         {"spec.updateStrategy.type", "string"},
                         {"spec.deletionPolicy", "string"},
                         {"status.phase", "string"},
                         {"status.host", "string"},
                         {"status.vmId", "string"},
                         {"status.powerState", "string"},
                         {"status.ipAddresses", "array"},
                         {"status.allocated.cpu", "integer"},
                         {"status.allocated.memory", "int-or-string"},
                         {"status.allocated.storage", "int-or-string"},
                         {"status.lastRestartTime", "string"},
                         {"status.restart.phase", "string"},
                         {"status.restart.reason", "string"},
                         {"status.restart.startedAt", "string"},
                         {"status.restart.fields", "array"}});
  add("HyperVHost", {{"spec.address", "string"},
                     {"spec.credentialsSecretRef.name", "string"},
                     {"spec.credentialsSecretRef.namespace", "string"},
                     {"spec.zone", "string"},
                     {"spec.unschedulable", "boolean"},
                     {"spec.maintenance", "boolean"},
                     {"spec.reserved.cpu", "integer"},
                     {"spec.reserved.memory", "int-or-string"},
                     {"spec.overcommit.cpuRatio", "number"},
                     {"spec.overcommit.memoryRatio", "number"},
                     {"status.lastHeartbeatTime", "string"},
                     {"status.agentVersion", "string"},
                     {"status.os", "string"},
                     {"status.capacity.cpu", "integer"},
                     {"status.capacity.memory", "int-or-string"},
                     {"status.capacity.storage", "int-or-string"},
                     {"status.allocatable.cpu", "integer"},
                     {"status.allocated.memory", "int-or-string"},
                     {"status.capabilities", "array"},
                     {"status.switches[].name", "string"},
                     {"status.switches[].type", "string"},
                     {"status.images[].name", "string"},
                     {"status.images[].size", "int-or-string"},
                     {"status.vmCount", "integer"},
                     {"status.unmanagedVmCount", "integer"}});
  add("Tenant", {{"spec.displayName", "string"},
                 {"spec.namespaces", "array"},
                 {"spec.admins.users", "array"},
                 {"spec.admins.groups", "array"},
                 {"spec.hostSelector", "object"},
                 {"spec.allowedSwitches", "array"},
                 {"spec.allowedVlans[]", "integer"},
                 {"spec.allowedImages", "array"},
                 {"status.namespaces[].name", "string"},
                 {"status.namespaces[].ready", "boolean"},
                 {"status.usage.vcpus", "integer"},
                 {"status.usage.memory", "int-or-string"},
                 {"status.usage.storage", "int-or-string"},
                 {"status.usage.vms", "integer"}});
  add("Quota", {{"spec.tenant", "string"},
                {"spec.hard.vcpus", "integer"},
                {"spec.hard.memory", "int-or-string"},
                {"spec.hard.storage", "int-or-string"},
                {"spec.hard.vms", "integer"},
                {"spec.hostSelector", "object"},
                {"status.used.vcpus", "integer"},
                {"status.used.memory", "int-or-string"},
                {"status.reserved.storage", "int-or-string"},
                {"status.reserved.vms", "integer"}});
  add("VirtualMachineMigration", {{"spec.vmName", "string"},
                                  {"spec.targetHost", "string"},
                                  {"spec.targetSelector", "object"},
                                  {"spec.includeStorage", "boolean"},
                                  {"status.phase", "string"},
                                  {"status.sourceHost", "string"},
                                  {"status.targetHost", "string"},
                                  {"status.vmId", "string"},
                                  {"status.operationId", "string"},
                                  {"status.progressPercent", "integer"},
                                  {"status.startTime", "string"},
                                  {"status.endTime", "string"}});
  add("VirtualMachine", {{"spec.cpu.compatibilityForMigration", "boolean"},
                         {"status.migration.name", "string"},
                         {"status.migration.phase", "string"},
                         {"status.migration.targetHost", "string"}});
  return rows;
}

INSTANTIATE_TEST_SUITE_P(Contract, CrdFields, ::testing::ValuesIn(agreed_fields()),
                         [](const auto& info) {
                           std::string name = info.param.kind + "_" + info.param.path;
                           for (char& c : name) {
                             if (!isalnum(static_cast<unsigned char>(c)))
                               c = '_';
                           }
                           return name;
                         });

TEST(CrdDefaults, MinimalVirtualMachineSpecGetsTheDocumentedDefaults) {
  const json& root = openapi_schema(crd("VirtualMachine"));
  json vm = json::parse(R"({"spec":{"cpu":{"count":1},"memory":{"startup":"1Gi"},
                             "disks":[{"name":"data","size":"1Gi"}]}})");
  schema::apply_defaults(root, vm);
  EXPECT_EQ(vm["spec"]["runStrategy"], "Always");
  EXPECT_EQ(vm["spec"]["generation"], 2);
  EXPECT_EQ(vm["spec"]["shutdown"], json({{"mode", "Graceful"}, {"timeoutSeconds", 120}}));
  EXPECT_EQ(vm["spec"]["placement"],
            json({{"strategy", "Spread"}, {"antiAffinityTopology", "Host"}}));
  EXPECT_EQ(vm["spec"]["disks"][0]["source"], "blank");
  EXPECT_TRUE(schema::validate(root, vm).empty());
}

TEST(CrdDefaults, HyperVHostOvercommitAndFlagsDefault) {
  const json& root = openapi_schema(crd("HyperVHost"));
  json host = json::parse(R"({"spec":{"address":"https://hv:9443",
                               "credentialsSecretRef":{"name":"s","namespace":"n"}}})");
  schema::apply_defaults(root, host);
  EXPECT_EQ(host["spec"]["overcommit"], json({{"cpuRatio", 4}, {"memoryRatio", 1}}));
  EXPECT_EQ(host["spec"]["unschedulable"], false);
  EXPECT_EQ(host["spec"]["maintenance"], false);
}

struct CelCase {
  std::string kind;
  std::string path;
  std::string rule;
};

void PrintTo(const CelCase& c, std::ostream* os) {
  *os << c.kind << " " << c.path << ": " << c.rule;
}

class CrdCelRules : public ::testing::TestWithParam<CelCase> {};

TEST_P(CrdCelRules, RuleIsDeclaredOnItsField) {
  const CelCase& c = GetParam();
  const auto rules = schema::cel_rules(openapi_schema(crd(c.kind)));
  const bool found = std::any_of(rules.begin(), rules.end(), [&](const schema::CelRule& r) {
    return r.path == c.path && r.rule == c.rule && !r.message.empty();
  });
  EXPECT_TRUE(found) << c.kind << " " << c.path << ": " << c.rule;
}

INSTANTIATE_TEST_SUITE_P(
    Rules, CrdCelRules,
    ::testing::Values(
        CelCase{"VirtualMachine", "spec.generation", "self == oldSelf"},
        CelCase{"Quota", "spec.tenant", "self == oldSelf"},
        CelCase{"VirtualMachine", "spec.cloudInit",
                "!(has(self.userData) && has(self.userDataSecretRef))"},
        CelCase{"VirtualMachine", "spec.disks[*]", "self.source != 'blank' || has(self.size)"},
        CelCase{"VirtualMachine", "spec.disks[*]",
                "!has(oldSelf.size) || (has(self.size) && "
                "quantity(string(self.size)).compareTo(quantity(string(oldSelf.size)))"
                " >= 0)"}),
    [](const auto& info) { return info.param.kind + std::to_string(info.index); });

}  // namespace
}  // namespace hvo::testing
