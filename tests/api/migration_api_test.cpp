// VirtualMachineMigration: JSON round trip, defaults, phases, semantic validation, and the VM
// fields migration adds (spec.cpu.compatibilityForMigration, status.migration).
#include <gtest/gtest.h>

#include "api/v1alpha1/virtual_machine_migration_types.h"
#include "api/v1alpha1/virtual_machine_types.h"

namespace hvo::api {
namespace {

using k8s::Json;

Json migration_json() {
  return Json::parse(R"({
    "apiVersion": "hyperv.operator.io/v1alpha1", "kind": "VirtualMachineMigration",
    "metadata": {"name": "move-web-1", "namespace": "team-a", "generation": 1},
    "spec": {"vmName": "web-1", "targetSelector": {"matchLabels": {"rack": "b"}}},
    "status": {"phase": "Running", "sourceHost": "hv-01", "targetHost": "hv-02",
               "vmId": "4a2f", "operationId": "op-7", "progressPercent": 40,
               "startTime": "2026-12-07T10:00:00Z"},
    "extra": {"kept": true}
  })");
}

TEST(VirtualMachineMigrationJson, DecodesSpecAndStatusAndDefaultsIncludeStorageToTrue) {
  auto m = VirtualMachineMigration::from_json(migration_json());
  ASSERT_TRUE(m.ok()) << m.error().message();
  EXPECT_EQ(m->spec.vm_name, "web-1");
  EXPECT_TRUE(m->spec.target_host.empty());
  EXPECT_TRUE(m->spec.include_storage);
  ASSERT_TRUE(m->spec.target_selector.has_value());
  EXPECT_EQ(m->status.phase, MigrationPhase::kRunning);
  EXPECT_EQ(m->status.source_host, "hv-01");
  EXPECT_EQ(m->status.target_host, "hv-02");
  EXPECT_EQ(m->status.operation_id, "op-7");
  EXPECT_EQ(m->status.progress_percent, 40);
  EXPECT_TRUE(m->status.start_time.has_value());
  EXPECT_FALSE(m->status.end_time.has_value());
}

TEST(VirtualMachineMigrationJson, RoundTripsAndKeepsUnknownFields) {
  auto m = VirtualMachineMigration::from_json(migration_json());
  ASSERT_TRUE(m.ok());
  m->status.phase = MigrationPhase::kSucceeded;
  m->spec.include_storage = false;
  const Json out = m->to_json();
  EXPECT_EQ(out["status"]["phase"], "Succeeded");
  EXPECT_EQ(out["spec"]["includeStorage"], false);
  EXPECT_EQ(out["extra"]["kept"], true);
  auto again = VirtualMachineMigration::from_json(out);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->to_json(), out);
}

TEST(VirtualMachineMigrationJson, RefusesUnknownPhaseAndMissingVmName) {
  Json bad = migration_json();
  bad["status"]["phase"] = "Teleporting";
  bad["spec"].erase("vmName");
  auto m = VirtualMachineMigration::from_json(bad);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message().find("status.phase: unsupported value \"Teleporting\""),
            std::string::npos)
      << m.error().message();
  EXPECT_NE(m.error().message().find("spec.vmName: required value"), std::string::npos);
}

TEST(MigrationPhase, OnlySucceededAndFailedAreFinal) {
  for (const char* text : {"Pending", "Scheduling", "Running", "Succeeded", "Failed"}) {
    const auto phase = parse_migration_phase(text);
    ASSERT_TRUE(phase.has_value()) << text;
    EXPECT_STREQ(to_string(*phase), text);
    EXPECT_EQ(is_final(*phase), std::string(text) == "Succeeded" || std::string(text) == "Failed")
        << text;
  }
  EXPECT_FALSE(parse_migration_phase("Migrating").has_value());
}

struct RuleCase {
  const char* name;
  void (*change)(VirtualMachineMigration&);
  const char* error;  // "" : valid
};

void PrintTo(const RuleCase& c, std::ostream* os) {
  *os << c.name;
}

class MigrationValidation : public ::testing::TestWithParam<RuleCase> {};

TEST_P(MigrationValidation, ReportsExactlyTheBrokenRule) {
  auto m = VirtualMachineMigration::from_json(migration_json());
  ASSERT_TRUE(m.ok());
  GetParam().change(*m);
  const auto errors = validate(*m);
  if (std::string(GetParam().error).empty()) {
    EXPECT_TRUE(errors.empty()) << k8s::join(errors);
    return;
  }
  ASSERT_EQ(errors.size(), 1u) << k8s::join(errors);
  EXPECT_NE(k8s::join(errors).find(GetParam().error), std::string::npos) << k8s::join(errors);
}

INSTANTIATE_TEST_SUITE_P(
    Rules, MigrationValidation,
    ::testing::Values(RuleCase{"Valid", [](VirtualMachineMigration&) {}, ""},
                      RuleCase{"ValidWithTargetHost",
                               [](VirtualMachineMigration& m) { m.spec.target_host = "hv-02"; },
                               ""},
                      RuleCase{"VmNameNotDns",
                               [](VirtualMachineMigration& m) { m.spec.vm_name = "Web_1"; },
                               "spec.vmName"},
                      RuleCase{"TargetHostNotDns",
                               [](VirtualMachineMigration& m) { m.spec.target_host = "HV 02"; },
                               "spec.targetHost"},
                      RuleCase{"SelectorInWithoutValues",
                               [](VirtualMachineMigration& m) {
                                 k8s::LabelSelectorRequirement r;
                                 r.key = "rack";
                                 r.op = k8s::LabelSelectorOperator::kIn;
                                 m.spec.target_selector->match_expressions.push_back(r);
                               },
                               "spec.targetSelector"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(VirtualMachineMigrationFields, VmCarriesCompatibilityAndMigrationStatus) {
  auto vm = VirtualMachine::from_json(Json::parse(R"({
    "apiVersion": "hyperv.operator.io/v1alpha1", "kind": "VirtualMachine",
    "metadata": {"name": "web-1", "namespace": "team-a"},
    "spec": {"cpu": {"count": 2, "compatibilityForMigration": true},
             "memory": {"startup": "2Gi"}, "image": "rocky-10"},
    "status": {"phase": "Migrating", "host": "hv-01",
               "migration": {"name": "move-web-1", "phase": "Running", "targetHost": "hv-02"}}
  })"));
  ASSERT_TRUE(vm.ok()) << vm.error().message();
  EXPECT_EQ(vm->spec.cpu.compatibility_for_migration, true);
  EXPECT_EQ(vm->status.phase, VirtualMachinePhase::kMigrating);
  ASSERT_TRUE(vm->status.migration.has_value());
  EXPECT_EQ(vm->status.migration->name, "move-web-1");
  EXPECT_EQ(vm->status.migration->phase, MigrationPhase::kRunning);
  EXPECT_EQ(vm->status.migration->target_host, "hv-02");
  const Json out = vm->to_json();
  EXPECT_EQ(out["spec"]["cpu"]["compatibilityForMigration"], true);
  EXPECT_EQ(out["status"]["migration"]["targetHost"], "hv-02");
}

}  // namespace
}  // namespace hvo::api
