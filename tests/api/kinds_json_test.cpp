// JSON round trips of the four kinds: every field survives, unknown fields survive a status
// update, bad input is an error naming the field and never a crash.
#include <gtest/gtest.h>

#include <functional>

#include "api/v1alpha1/hyperv_host_types.h"
#include "api/v1alpha1/quota_types.h"
#include "api/v1alpha1/tenant_types.h"
#include "api/v1alpha1/virtual_machine_types.h"
#include "fixture_files.h"

namespace hvo::api {
namespace {

using k8s::Json;
using testing_support::read_fixture;
using testing_support::read_fixture_text;

template <typename Kind>
struct KindFixture;
template <>
struct KindFixture<VirtualMachine> {
  static constexpr const char* kFile = "virtual_machine_full.json";
};
template <>
struct KindFixture<HyperVHost> {
  static constexpr const char* kFile = "hyperv_host_full.json";
};
template <>
struct KindFixture<Tenant> {
  static constexpr const char* kFile = "tenant_full.json";
};
template <>
struct KindFixture<Quota> {
  static constexpr const char* kFile = "quota_full.json";
};

template <typename Kind>
class KindJson : public testing::Test {};

using Kinds = testing::Types<VirtualMachine, HyperVHost, Tenant, Quota>;
TYPED_TEST_SUITE(KindJson, Kinds);

TYPED_TEST(KindJson, EveryFieldRoundTrips) {
  const Json input = read_fixture(KindFixture<TypeParam>::kFile);
  const auto object = TypeParam::from_json(input);
  ASSERT_TRUE(object.ok()) << object.error().message();
  EXPECT_EQ(object->to_json(), input);
}

TYPED_TEST(KindJson, TypedObjectWithoutRawLosesNothing) {
  // An object built in code has no raw JSON: its encoding holds every typed field (fields equal
  // to their schema default may be left out), so decoding it gives the same object back.
  const Json input = read_fixture(KindFixture<TypeParam>::kFile);
  auto object = TypeParam::from_json(input);
  ASSERT_TRUE(object.ok()) << object.error().message();
  object->raw = Json();
  auto decoded = TypeParam::from_json(object->to_json());
  ASSERT_TRUE(decoded.ok()) << decoded.error().message();
  decoded->raw = input;
  EXPECT_EQ(decoded->to_json(), input);
}

TYPED_TEST(KindJson, ParseAcceptsText) {
  const auto object = TypeParam::parse(read_fixture_text(KindFixture<TypeParam>::kFile));
  ASSERT_TRUE(object.ok()) << object.error().message();
  EXPECT_EQ(object->to_json(), read_fixture(KindFixture<TypeParam>::kFile));
}

TYPED_TEST(KindJson, UnknownFieldsSurviveAStatusUpdate) {
  Json input = read_fixture(KindFixture<TypeParam>::kFile);
  input["topLevelExtension"] = {{"a", 1}};
  input["metadata"]["futureMetadataField"] = "m";
  input["spec"]["futureSpecField"] = {1, 2, 3};
  input["status"]["futureStatusField"] = "s";
  input["status"]["conditions"][0]["futureConditionField"] = true;

  auto object = TypeParam::from_json(input);
  ASSERT_TRUE(object.ok()) << object.error().message();
  object->status.observed_generation = 99;
  k8s::Condition stalled{"Stalled", k8s::ConditionStatus::kTrue, 99, k8s::Time(), "Testing", ""};
  k8s::set_condition(object->status.conditions, stalled, *k8s::Time::parse("2026-11-22T02:00:00Z"));
  const Json output = object->to_json();

  Json expected = input;
  expected["status"]["observedGeneration"] = 99;
  expected["status"]["conditions"].push_back(Json::parse(R"({"type":"Stalled","status":"True",
      "observedGeneration":99,"lastTransitionTime":"2026-11-22T02:00:00Z","reason":"Testing",
      "message":""})"));
  EXPECT_EQ(output, expected);
}

TYPED_TEST(KindJson, MalformedTextIsAnErrorNotACrash) {
  const std::string text = read_fixture_text(KindFixture<TypeParam>::kFile);
  for (std::size_t cut :
       {std::size_t{0}, std::size_t{1}, text.size() / 3, text.size() / 2, text.size() - 2}) {
    const auto object = TypeParam::parse(text.substr(0, cut));
    ASSERT_FALSE(object.ok()) << "cut at " << cut;
    EXPECT_EQ(object.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(object.error().message().find(std::string(TypeParam::kKind) + ": malformed JSON"),
              std::string::npos)
        << object.error().message();
  }
  for (const char* garbage : {"", "garbage", "{]", "\xff\xfe", "[[[[[[[[", "{\"spec\":"}) {
    EXPECT_FALSE(TypeParam::parse(garbage).ok()) << garbage;
  }
}

TYPED_TEST(KindJson, NonObjectsAreRejected) {
  for (const char* text : {"null", "[]", "42", "\"VirtualMachine\"", "true"}) {
    const auto object = TypeParam::parse(text);
    ASSERT_FALSE(object.ok()) << text;
    EXPECT_NE(object.error().message().find("expected object"), std::string::npos)
        << object.error().message();
  }
}

TYPED_TEST(KindJson, MissingSpecIsReported) {
  const auto object = TypeParam::from_json(Json::parse(R"({"metadata":{"name":"x"}})"));
  ASSERT_FALSE(object.ok());
  EXPECT_EQ(object.error().message(), std::string(TypeParam::kKind) + " x: spec: required value");
}

TYPED_TEST(KindJson, WrongKindOrVersionIsReported) {
  Json input = read_fixture(KindFixture<TypeParam>::kFile);
  input["kind"] = "Pod";
  input["apiVersion"] = "v1";
  const auto object = TypeParam::from_json(input);
  ASSERT_FALSE(object.ok());
  const std::string& message = object.error().message();
  EXPECT_NE(message.find("apiVersion: expected hyperv.operator.io/v1alpha1, got v1"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find(std::string("kind: expected ") + TypeParam::kKind + ", got Pod"),
            std::string::npos)
      << message;
}

// Visits every value below the root with its field path as errors spell it.
void for_each_value(const Json& value, const std::string& path,
                    const std::function<void(const std::string&, const Json&)>& visit) {
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      const std::string child = path.empty() ? key : path + "." + key;
      visit(child, item);
      for_each_value(item, child, visit);
    }
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      const std::string child = path + "[" + std::to_string(i) + "]";
      visit(child, value[i]);
      for_each_value(value[i], child, visit);
    }
  }
}

// A value of a type no field of the API accepts in place of `value`.
Json wrong_type_for(const Json& value) {
  if (value.is_boolean())
    return "not a boolean";
  if (value.is_object())
    return Json::array();
  if (value.is_array())
    return Json::object();
  return true;  // strings, numbers, quantities and times never accept a boolean
}

Json& value_at(Json& root, const std::string& path) {
  Json* node = &root;
  std::size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] == '[') {
      const std::size_t close = path.find(']', pos);
      node = &(*node)[std::stoul(path.substr(pos + 1, close - pos - 1))];
      pos = close + 1;
    } else {
      if (path[pos] == '.')
        ++pos;
      const std::size_t end = path.find_first_of(".[", pos);
      node = &(*node)[path.substr(pos, end == std::string::npos ? std::string::npos : end - pos)];
      pos = end == std::string::npos ? path.size() : end;
    }
  }
  return *node;
}

TYPED_TEST(KindJson, WrongTypeAtEveryLevelNamesTheField) {
  const Json input = read_fixture(KindFixture<TypeParam>::kFile);
  int checked = 0;
  for_each_value(input, "", [&](const std::string& path, const Json& value) {
    Json broken = input;
    value_at(broken, path) = wrong_type_for(value);
    const auto object = TypeParam::from_json(broken);
    ASSERT_FALSE(object.ok()) << path << " accepted " << broken.dump();
    EXPECT_NE(object.error().message().find(path + ": expected "), std::string::npos)
        << path << ": " << object.error().message();
    ++checked;
  });
  EXPECT_GT(checked, 20);
}

TEST(VirtualMachineJson, MinimalObjectGetsSchemaDefaultsAndWritesNothingExtra) {
  const Json input = Json::parse(R"({"apiVersion":"hyperv.operator.io/v1alpha1",
      "kind":"VirtualMachine","metadata":{"name":"tiny","namespace":"default"},
      "spec":{"cpu":{"count":1},"memory":{"startup":"1Gi"},"disks":[{"name":"d","size":"1Gi"}],
              "cloudInit":{"userDataSecretRef":{"name":"s"}}}})");
  const auto vm = VirtualMachine::from_json(input);
  ASSERT_TRUE(vm.ok()) << vm.error().message();
  EXPECT_EQ(vm->spec.run_strategy, RunStrategy::kAlways);
  EXPECT_EQ(vm->spec.generation, 2);
  EXPECT_EQ(vm->spec.placement.strategy, PlacementStrategy::kSpread);
  EXPECT_EQ(vm->spec.shutdown.mode, ShutdownMode::kGraceful);
  EXPECT_EQ(vm->spec.shutdown.timeout_seconds, 120);
  EXPECT_EQ(vm->spec.disks[0].source, DiskSource::kBlank);
  EXPECT_EQ(vm->spec.cloud_init->user_data_secret_ref->key, "userdata");
  EXPECT_EQ(vm->spec.update_strategy.type, UpdateStrategyType::kManual);
  EXPECT_EQ(vm->spec.deletion_policy, DeletionPolicy::kDelete);
  EXPECT_FALSE(vm->status.restart.has_value());
  EXPECT_FALSE(vm->status.phase.has_value());
  EXPECT_EQ(vm->to_json(), input);
}

TEST(VirtualMachineJson, Day2FieldsAreRead) {
  const auto parsed = VirtualMachine::from_json(read_fixture("virtual_machine_full.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  const VirtualMachine& vm = *parsed;
  EXPECT_EQ(vm.spec.update_strategy.type, UpdateStrategyType::kAutomatic);
  EXPECT_EQ(vm.spec.deletion_policy, DeletionPolicy::kOrphan);
  ASSERT_TRUE(vm.status.restart.has_value());
  EXPECT_EQ(vm.status.restart->phase, "ShuttingDown");
  EXPECT_EQ(vm.status.restart->fields, std::vector<std::string>{"cpu.count"});
  ASSERT_TRUE(vm.status.restart->started_at.has_value());
  EXPECT_EQ(vm.status.restart->started_at->to_string(), "2026-11-21T10:00:01Z");
}

TEST(HyperVHostJson, MinimalObjectGetsSchemaDefaults) {
  const auto host = HyperVHost::parse(R"({"metadata":{"name":"hv-02"},"spec":{
      "address":"https://hv-02:9443","credentialsSecretRef":{"name":"c","namespace":"n"}}})");
  ASSERT_TRUE(host.ok()) << host.error().message();
  EXPECT_EQ(host->spec.overcommit.cpu_ratio, 4.0);
  EXPECT_EQ(host->spec.overcommit.memory_ratio, 1.0);
  EXPECT_FALSE(host->spec.unschedulable);
  EXPECT_FALSE(host->to_json().contains("status"));
}

struct DecodeErrorCase {
  const char* name;
  const char* json;
  const char* error;
};

// What gtest prints for a row, and so what ctest names it by: a name, not the bytes.
void PrintTo(const DecodeErrorCase& c, std::ostream* os) {
  *os << c.name;
}

class VirtualMachineDecodeError : public testing::TestWithParam<DecodeErrorCase> {};

TEST_P(VirtualMachineDecodeError, NamesTheField) {
  const auto vm = VirtualMachine::parse(GetParam().json);
  ASSERT_FALSE(vm.ok());
  EXPECT_EQ(vm.error().message(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Table, VirtualMachineDecodeError,
    testing::Values(
        DecodeErrorCase{"CountAsString",
                        R"({"metadata":{"name":"a","namespace":"n"},
                            "spec":{"cpu":{"count":"4"},"memory":{"startup":"1Gi"}}})",
                        "VirtualMachine n/a: spec.cpu.count: expected integer, got string"},
        DecodeErrorCase{"MissingStartup",
                        R"({"metadata":{"name":"a"},"spec":{"cpu":{"count":1},"memory":{}}})",
                        "VirtualMachine a: spec.memory.startup: required value"},
        DecodeErrorCase{"BadQuantity", R"({"spec":{"cpu":{"count":1},"memory":{"startup":"2GB"}}})",
                        "VirtualMachine: spec.memory.startup: quantity \"2GB\": unknown suffix "
                        "\"GB\""},
        DecodeErrorCase{"UnknownRunStrategy",
                        R"({"spec":{"runStrategy":"Sometimes","cpu":{"count":1},
                            "memory":{"startup":"1Gi"}}})",
                        "VirtualMachine: spec.runStrategy: unsupported value \"Sometimes\": "
                        "supported values: \"Always\", \"Halted\", \"Manual\", "
                        "\"RerunOnFailure\""},
        DecodeErrorCase{"EveryProblemAtOnce",
                        R"({"spec":{"cpu":{"count":1.5},"memory":{"startup":true},
                            "disks":[{"name":"a"},{"size":"1Gi"}],"networks":{}}})",
                        "VirtualMachine: spec.cpu.count: expected integer, got number; "
                        "spec.memory.startup: expected quantity (string or number), got "
                        "boolean; spec.disks[1].name: required value; spec.networks: expected "
                        "array, got object"}),
    [](const testing::TestParamInfo<DecodeErrorCase>& info) { return info.param.name; });

}  // namespace
}  // namespace hvo::api
