// The CRDs' CEL rules (crds/, x-kubernetes-validations) evaluated by the emulator's evaluator,
// each next to its semantic twin in the operator (api/v1alpha1 validation, for servers that do
// not evaluate CEL): every rule that is not a transition rule has a row here with an object
// that breaks it, and both refuse that object on the field the row names. A rule added to a CRD
// without a row (so, likely, without a twin in the operator) fails RuleHasASemanticTwin.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "api/schema/structural_schema.h"
#include "api/v1alpha1/validation.h"
#include "api/v1alpha1/virtual_machine_types.h"
#include "tests/crds/manifest_files.h"
#include "tools/apiserver-lite/cel/cel_program.h"
#include "tools/apiserver-lite/cel/cel_validation.h"

namespace hvo::testing {
namespace {

using nlohmann::json;

struct TwinCase {
  const char* name;
  const char* rule_message;    // the CEL rule, by its message
  const char* spec_patch;      // merged into a valid VM spec
  const char* cel_field;       // where the CEL rule reports
  const char* semantic_field;  // where the operator's validation reports
};

void PrintTo(const TwinCase& c, std::ostream* os) {
  *os << c.name;
}

const TwinCase kTwins[] = {
    {"ZoneTopologyNeedsAGroup", "antiAffinityTopology Zone needs an antiAffinityGroup",
     R"({"placement": {"antiAffinityTopology": "Zone"}})", "spec.placement.antiAffinityTopology",
     "spec.placement.antiAffinityTopology"},
    {"SecureBootNeedsGeneration2", "firmware.secureBoot requires generation 2",
     R"({"generation": 1, "firmware": {"secureBoot": true}})", "spec.firmware.secureBoot",
     "spec.firmware.secureBoot"},
    {"TpmNeedsGeneration2", "firmware.tpm requires generation 2",
     R"({"generation": 1, "firmware": {"tpm": true}})", "spec.firmware.tpm", "spec.firmware.tpm"},
    {"DiskAtMost64Ti", "size must not exceed 64Ti (the VHDX limit)",
     R"({"disks": [{"name": "os", "source": "image", "size": "65Ti"}]})", "spec.disks[0].size",
     "spec.disks[0].size"},
    {"OneImageDisk", "at most one disk may have source image",
     R"({"disks": [{"name": "a", "source": "image"}, {"name": "b", "source": "image"}]})",
     "spec.disks", "spec.disks[1].source"},
    {"ImageDiskNeedsAnImage", "a disk with source image requires spec.image", R"({"image": null})",
     "spec.image", "spec.disks[0].source"},
    {"ReserveNotAboveLimit", "reservePercent must not exceed limitPercent",
     R"({"cpu": {"count": 2, "reservePercent": 50, "limitPercent": 20}})",
     "spec.cpu.reservePercent", "spec.cpu.reservePercent"},
    {"StartupAtLeast32Mi", "startup must be at least 32Mi", R"({"memory": {"startup": "1Ki"}})",
     "spec.memory.startup", "spec.memory.startup"},
    {"StartupIn2MiPages", "startup must be a multiple of 2Mi (Hyper-V's memory granularity)",
     R"({"memory": {"startup": "33Mi"}})", "spec.memory.startup", "spec.memory.startup"},
    {"MinimumNotAboveStartup", "dynamic.minimum must not exceed startup",
     R"({"memory": {"startup": "1Gi", "dynamic": {"minimum": "2Gi"}}})",
     "spec.memory.dynamic.minimum", "spec.memory.dynamic.minimum"},
    {"StartupNotAboveMaximum", "startup must not exceed dynamic.maximum",
     R"({"memory": {"startup": "4Gi", "dynamic": {"maximum": "2Gi"}}})",
     "spec.memory.dynamic.maximum", "spec.memory.dynamic.maximum"},
    {"MinimumNotAboveMaximum", "minimum must not exceed maximum",
     R"({"memory": {"startup": "4Gi", "dynamic": {"minimum": "6Gi", "maximum": "2Gi"}}})",
     "spec.memory.dynamic.minimum", "spec.memory.dynamic.m"},
    {"MinimumAtLeast32Mi", "minimum must be at least 32Mi",
     R"({"memory": {"startup": "1Gi", "dynamic": {"minimum": "16Mi"}}})",
     "spec.memory.dynamic.minimum", "spec.memory.dynamic.minimum"},
    {"MinimumIn2MiPages", "minimum must be a multiple of 2Mi (Hyper-V's memory granularity)",
     R"({"memory": {"startup": "1Gi", "dynamic": {"minimum": "513Mi"}}})",
     "spec.memory.dynamic.minimum", "spec.memory.dynamic.minimum"},
    {"MaximumIn2MiPages", "maximum must be a multiple of 2Mi (Hyper-V's memory granularity)",
     R"({"memory": {"startup": "1Gi", "dynamic": {"maximum": "2049Mi"}}})",
     "spec.memory.dynamic.maximum", "spec.memory.dynamic.maximum"},
    {"BlankDiskNeedsASize", "a blank disk needs a size",
     R"({"disks": [{"name": "data", "source": "blank"}]})", "spec.disks[0].size",
     "spec.disks[0].size"},
    {"UserDataOrItsSecret", "give userData or userDataSecretRef, not both",
     R"({"cloudInit": {"userData": "#cloud-config", "userDataSecretRef": {"name": "s"}}})",
     "spec.cloudInit", "spec.cloudInit.userDataSecretRef"},
};

const json& vm_schema() {
  static const json schema = openapi_schema(crds_by_kind().at("VirtualMachine"));
  return schema;
}

json vm_with(const char* spec_patch) {
  json vm = {{"apiVersion", "hyperv.operator.io/v1alpha1"},
             {"kind", "VirtualMachine"},
             {"metadata", {{"name", "web-1"}, {"namespace", "team-a"}}},
             {"spec",
              {{"cpu", {{"count", 2}}},
               {"memory", {{"startup", "4Gi"}}},
               {"image", "ubuntu-24.04"},
               {"disks", json::array({{{"name", "os"}, {"source", "image"}}})}}}};
  vm["spec"].merge_patch(json::parse(spec_patch));
  schema::apply_defaults(vm_schema(), vm);
  return vm;
}

TEST(CrdCelRulesEvaluate, EveryRuleOfEveryCrdCompiles) {
  for (const auto& [kind, crd] : crds_by_kind()) {
    EXPECT_EQ(apiserver::cel::rules_not_supported(openapi_schema(crd)), std::vector<std::string>())
        << kind;
  }
}

TEST(CrdCelRulesEvaluate, AValidVmPassesEveryRule) {
  const json vm = vm_with(R"({"memory": {"startup": "4Gi",
                                          "dynamic": {"minimum": "1Gi", "maximum": "8Gi"}}})");
  EXPECT_TRUE(schema::validate(vm_schema(), vm).empty());
  const auto errors = apiserver::cel::validate_rules(vm_schema(), vm, nullptr);
  for (const auto& error : errors)
    ADD_FAILURE() << error.field << ": " << error.message;
}

TEST(CrdCelRulesEvaluate, RuleHasASemanticTwin) {
  std::set<std::string> covered;
  for (const auto& twin : kTwins)
    covered.insert(twin.rule_message);
  for (const auto& [kind, crd] : crds_by_kind()) {
    for (const auto& rule : schema::cel_rules(openapi_schema(crd))) {
      auto program = apiserver::cel::Program::compile(rule.rule);
      ASSERT_TRUE(program.ok()) << rule.rule;
      if (program->uses_old_self())
        continue;  // immutability needs the stored object: only the API server can check it
      EXPECT_TRUE(covered.count(rule.message))
          << kind << " " << rule.path << ": \"" << rule.message
          << "\" has no row in kTwins (and maybe no semantic twin in api/v1alpha1)";
    }
  }
}

class CelSemanticTwins : public ::testing::TestWithParam<TwinCase> {};

TEST_P(CelSemanticTwins, BothRefuseTheObject) {
  const TwinCase& c = GetParam();
  const json vm = vm_with(c.spec_patch);
  ASSERT_TRUE(schema::validate(vm_schema(), vm).empty()) << "the row's object must pass the schema";

  const auto cel_errors = apiserver::cel::validate_rules(vm_schema(), vm, nullptr);
  const bool cel_refused =
      std::any_of(cel_errors.begin(), cel_errors.end(), [&](const schema::FieldError& e) {
        return e.field == c.cel_field && e.message.find(c.rule_message) != std::string::npos;
      });
  EXPECT_TRUE(cel_refused) << "CEL errors: " << [&] {
    std::string all;
    for (const auto& e : cel_errors)
      all += e.field + ": " + e.message + "; ";
    return all;
  }();

  auto decoded = api::VirtualMachine::from_json(vm);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message();
  const auto semantic = api::validate(*decoded);
  const bool semantic_refused = std::any_of(
      semantic.begin(), semantic.end(),
      [&](const k8s::FieldError& e) { return e.field.rfind(c.semantic_field, 0) == 0; });
  EXPECT_TRUE(semantic_refused) << k8s::join(semantic);
}

INSTANTIATE_TEST_SUITE_P(Rows, CelSemanticTwins, ::testing::ValuesIn(kTwins),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(CrdCelRulesEvaluate, StartupOf1KiIsRefusedWithUpstreamsShape) {
  const json vm = vm_with(R"({"memory": {"startup": "1Ki"}})");
  const auto errors = apiserver::cel::validate_rules(vm_schema(), vm, nullptr);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].reason, "FieldValueInvalid");
  EXPECT_EQ(errors[0].field, "spec.memory.startup");
  EXPECT_EQ(errors[0].message, "Invalid value: \"object\": startup must be at least 32Mi");
}

TEST(CrdCelRulesEvaluate, TransitionRuleRunsOnUpdateOnly) {
  const json created = vm_with("{}");
  EXPECT_TRUE(apiserver::cel::validate_rules(vm_schema(), created, nullptr).empty());
  json updated = created;
  updated["spec"]["generation"] = 1;
  updated["spec"]["firmware"] = {{"secureBoot", false}};
  const auto errors = apiserver::cel::validate_rules(vm_schema(), updated, &created);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "spec.generation");
  EXPECT_EQ(errors[0].message, "Invalid value: \"integer\": spec.generation is immutable");
}

// The disks' transition rule, as the CRD declares it: disks is a map list keyed by name, so
// oldSelf is the stored disk of the same name wherever it moved. A smaller size (or none, which
// would fall back to the image's) is refused on that disk's size; the same size spelled another
// way, a larger one, a new disk and a reordering pass.
TEST(CrdCelRulesEvaluate, DiskShrinkIsRefusedOnItsSizeAndEverythingElseOnDisksPasses) {
  const json stored = vm_with(R"({"disks": [{"name": "os", "source": "image", "size": "20Gi"},
                                            {"name": "data", "source": "blank", "size": "100Gi"}]})");
  const auto refused = [&](const json& updated) {
    return apiserver::cel::validate_rules(vm_schema(), updated, &stored);
  };
  json shrunk = stored;
  shrunk["spec"]["disks"][1]["size"] = "50Gi";
  auto errors = refused(shrunk);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "spec.disks[1].size");
  EXPECT_EQ(errors[0].message,
            "Invalid value: \"object\": a disk cannot shrink (data would be lost); grow it or add "
            "another disk");
  json unsized = stored;
  unsized["spec"]["disks"][0].erase("size");
  errors = refused(unsized);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "spec.disks[0].size");

  json respelled = stored;
  respelled["spec"]["disks"][1]["size"] = "102400Mi";
  EXPECT_TRUE(refused(respelled).empty());
  json grown = stored;
  grown["spec"]["disks"][1]["size"] = "200Gi";
  EXPECT_TRUE(refused(grown).empty());
  json added = stored;
  added["spec"]["disks"].push_back({{"name", "logs"}, {"source", "blank"}, {"size", "1Gi"}});
  EXPECT_TRUE(refused(added).empty());
  json reordered = stored;
  std::swap(reordered["spec"]["disks"][0], reordered["spec"]["disks"][1]);
  EXPECT_TRUE(refused(reordered).empty());
  // Moved first and shrunk: still found by its name, and reported where it now is.
  reordered["spec"]["disks"][0]["size"] = "99Gi";
  errors = refused(reordered);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "spec.disks[0].size");
  // Created with any size: a transition rule has no old value to compare with.
  EXPECT_TRUE(apiserver::cel::validate_rules(vm_schema(), shrunk, nullptr).empty());
}

TEST(CrdCelRulesEvaluate, StoredValuesAreNotRefusedAgain) {
  // Stored before the 32Mi rule existed: a status write (same spec) still passes; a spec
  // change that keeps the bad value does not make the unchanged memory fail either.
  const json stored = vm_with(R"({"memory": {"startup": "1Ki"}})");
  json with_status = stored;
  with_status["status"] = {{"phase", "Pending"}};
  EXPECT_TRUE(apiserver::cel::validate_rules(vm_schema(), with_status, &stored).empty());
  json changed = stored;
  changed["spec"]["memory"]["startup"] = "2Ki";
  EXPECT_EQ(apiserver::cel::validate_rules(vm_schema(), changed, &stored).size(), 1u);
}

TEST(CelRuleOptions, MessageExpressionReasonAndDefaultMessage) {
  const json schema = json::parse(R"json({
    "type": "object",
    "properties": {"spec": {"type": "object",
      "properties": {"replicas": {"type": "integer"}, "name": {"type": "string"}},
      "x-kubernetes-validations": [
        {"rule": "self.replicas <= 3", "messageExpression": "'too many: ' + string(self.replicas)"},
        {"rule": "self.replicas > 0", "reason": "FieldValueForbidden", "message": "must run",
         "fieldPath": ".replicas"},
        {"rule": "self.name != 'x'"},
        {"rule": "self.nope == 1", "message": "needs nope"}]
}
}
})json");
  const json many = {{"spec", {{"replicas", 5}, {"name", "x"}}}};
  const auto errors = apiserver::cel::validate_rules(schema, many, nullptr);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].field, "spec");
  EXPECT_EQ(errors[0].message, "Invalid value: \"object\": too many: 5");
  EXPECT_EQ(errors[1].message, "Invalid value: \"object\": failed rule: self.name != 'x'");
  EXPECT_EQ(errors[2].message,
            "Invalid value: \"object\": no such key: nope evaluating rule: needs nope");
  const json none = {{"spec", {{"replicas", 0}, {"name", "y"}, {"nope", 1}}}};
  const auto forbidden = apiserver::cel::validate_rules(schema, none, nullptr);
  ASSERT_EQ(forbidden.size(), 1u);
  EXPECT_EQ(forbidden[0].reason, "FieldValueForbidden");
  EXPECT_EQ(forbidden[0].field, "spec.replicas");
}

TEST(CelRuleOptions, OldSelfCorrelatesThroughMapListsByKeyNotThroughAtomicLists) {
  const json schema = json::parse(R"json({
    "type": "object",
    "properties": {
      "byKey": {"type": "array", "x-kubernetes-list-type": "map",
                "x-kubernetes-list-map-keys": ["name"],
                "items": {"type": "object",
                          "properties": {"name": {"type": "string"}, "size": {"type": "integer"}},
                          "x-kubernetes-validations": [
                            {"rule": "self.size >= oldSelf.size", "message": "must not shrink"}]}},
      "atomic": {"type": "array",
                 "items": {"type": "object",
                           "properties": {"size": {"type": "integer"}},
                           "x-kubernetes-validations": [
                             {"rule": "self.size >= oldSelf.size", "message": "must not shrink"}]}}}})json");
  const json old = json::parse(R"({"byKey": [{"name": "a", "size": 5}, {"name": "b", "size": 5}],
                                   "atomic": [{"size": 5}]})");
  // b moved to the front and shrank; the atomic list's item shrank too but has no old value.
  const json updated =
      json::parse(R"({"byKey": [{"name": "b", "size": 3}, {"name": "a", "size": 5}],
                                       "atomic": [{"size": 1}]})");
  const auto errors = apiserver::cel::validate_rules(schema, updated, &old);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "byKey[0]");
  EXPECT_EQ(errors[0].message, "Invalid value: \"object\": must not shrink");
  // A new item has no old value: its transition rule does not run.
  const json added = json::parse(R"({"byKey": [{"name": "c", "size": 1}], "atomic": []})");
  EXPECT_TRUE(apiserver::cel::validate_rules(schema, added, &old).empty());
}

TEST(CelRuleOptions, ExhaustedBudgetStopsValidationWithUpstreamsMessage) {
  const json schema = json::parse(R"json({"type": "array", "items": {"type": "integer"},
    "x-kubernetes-validations": [{"rule": "self.all(x, self.all(y, x + y >= 0))",
                                  "message": "sums"}]})json");
  json many = json::array();
  for (int i = 0; i < 200; ++i)
    many.push_back(i);
  const auto errors = apiserver::cel::validate_rules(schema, many, nullptr, 5000);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message,
            "Invalid value: \"array\": 'operation cancelled: actual cost limit exceeded': no "
            "further validation rules will be run due to call cost exceeds limit for rule: sums");
}

}  // namespace
}  // namespace hvo::testing
