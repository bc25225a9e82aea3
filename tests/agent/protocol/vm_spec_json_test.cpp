#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hostagent/protocol/vm_spec.h"
#include "tests/agent/support/sample_spec.h"

namespace hvo::agent {
namespace {

TEST(VmSpecJson, FullSpecRoundTripsUnchanged) {
  VmSpec spec = testing::sample_spec();
  spec.cpu = {4, 10, 90, 200, true};
  spec.memory.dynamic = DynamicMemorySpec{1 * kGiB, 8 * kGiB, 25};
  spec.firmware.tpm = true;
  spec.networks.push_back({"nic1", "Default Switch", std::nullopt, "00155D010203"});
  spec.cloud_init = CloudInitSpec{"#cloud-config\n", "instance-id: x\n", "version: 2\n"};
  spec.power = PowerIntent::kUnchanged;

  const std::string body = nlohmann::json(spec).dump();
  const auto parsed = parse_vm_spec(body);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const VmSpec& back = parsed.value();
  EXPECT_EQ(back.uid, spec.uid);
  EXPECT_EQ(back.name, spec.name);
  EXPECT_EQ(back.namespace_, spec.namespace_);
  EXPECT_EQ(back.object_generation, spec.object_generation);
  EXPECT_EQ(back.generation, spec.generation);
  EXPECT_EQ(back.cpu, spec.cpu);
  EXPECT_EQ(back.memory, spec.memory);
  EXPECT_EQ(back.firmware, spec.firmware);
  EXPECT_EQ(back.image, spec.image);
  EXPECT_EQ(back.disks, spec.disks);
  EXPECT_EQ(back.networks, spec.networks);
  EXPECT_EQ(back.cloud_init, spec.cloud_init);
  EXPECT_EQ(back.power, spec.power);
}

TEST(VmSpecJson, MinimalSpecGetsDocumentedDefaults) {
  const auto parsed = parse_vm_spec(R"({"uid":"u1","name":"a","namespace":"b","cpu":{"count":1},)"
                                    R"("memory":{"startupBytes":1073741824}})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->generation, 2);
  EXPECT_EQ(parsed->cpu.limit_percent, 100);
  EXPECT_EQ(parsed->cpu.weight, 100);
  EXPECT_FALSE(parsed->memory.dynamic.has_value());
  EXPECT_FALSE(parsed->cloud_init.has_value());
  EXPECT_EQ(parsed->power, PowerIntent::kRunning);
  EXPECT_TRUE(parsed->disks.empty());
}

TEST(VmSpecJson, HostVmNameJoinsNamespaceAndName) {
  EXPECT_EQ(testing::sample_spec().host_vm_name(), "team-a.web-1");
}

struct BadBody {
  const char* name;
  const char* body;
  const char* expected_in_message;
};

TEST(VmSpecJson, MalformedBodiesAreInvalidSpecNamingTheField) {
  const std::string base_tail = R"("memory":{"startupBytes":1073741824})";
  const BadBody rows[] = {
      {"not json", "{", "not valid JSON"},
      {"not an object", "[1,2]", "expected an object"},
      {"missing uid", R"({"name":"a","namespace":"b","cpu":{"count":1},"memory":{}})", "uid"},
      {"count as string",
       R"({"uid":"u","name":"a","namespace":"b","cpu":{"count":"2"},"memory":{"startupBytes":1}})",
       "cpu.count: expected an integer"},
      {"count as fraction",
       R"({"uid":"u","name":"a","namespace":"b","cpu":{"count":1.5},"memory":{"startupBytes":1}})",
       "cpu.count: expected an integer"},
      {"huge unsigned",
       R"({"uid":"u","name":"a","namespace":"b","cpu":{"count":1},)"
       R"("memory":{"startupBytes":18446744073709551615}})",
       "memory.startupBytes: integer out of range"},
      {"vlan as string",
       R"({"uid":"u","name":"a","namespace":"b","cpu":{"count":1},"memory":{"startupBytes":1},)"
       R"("networks":[{"name":"n","switch":"s"},{"name":"m","switch":"s","vlanId":"7"}]})",
       "networks[1].vlanId: expected an integer"},
      {"unknown power",
       R"({"uid":"u","name":"a","namespace":"b","cpu":{"count":1},"memory":{"startupBytes":1},)"
       R"("power":"Paused"})",
       "power: must be Running, Off or Unchanged"},
      {"unknown disk source",
       R"({"uid":"u","name":"a","namespace":"b","cpu":{"count":1},"memory":{"startupBytes":1},)"
       R"("disks":[{"name":"d","source":"iso"}]})",
       "disks[0].source"},
      {"disks not array",
       R"({"uid":"u","name":"a","namespace":"b","cpu":{"count":1},"memory":{"startupBytes":1},)"
       R"("disks":{}})",
       "disks: expected an array"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    const auto parsed = parse_vm_spec(row.body);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().code, AgentErrorCode::kInvalidSpec);
    EXPECT_NE(parsed.error().message.find(row.expected_in_message), std::string::npos)
        << parsed.error().message;
  }
}

TEST(VmSpecJson, ShutdownTimeoutDefaultsRoundTripsAndIsBounded) {
  const std::string base =
      R"({"uid":"u1","name":"a","namespace":"b","cpu":{"count":1},"memory":{"startupBytes":1})";
  auto parsed = parse_vm_spec(base + "}");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->shutdown_timeout_seconds, 120);
  parsed = parse_vm_spec(base + R"(,"shutdownTimeoutSeconds":300})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->shutdown_timeout_seconds, 300);
  EXPECT_EQ(nlohmann::json(*parsed)["shutdownTimeoutSeconds"], 300);
  const auto refused = parse_vm_spec(base + R"(,"shutdownTimeoutSeconds":-1})");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("shutdownTimeoutSeconds"), std::string::npos);
}

// Hyper-V allows 100 characters in a VM name; Kubernetes allows far longer names.
TEST(VmSpecJson, HostVmNameIsCappedWithAUidSuffix) {
  VmSpec spec;
  spec.uid = "0f1e2d3c-4b5a-6978-8a9b-acbdcedf0011";
  spec.namespace_ = "team-a";
  spec.name = "web-1";
  EXPECT_EQ(spec.host_vm_name(), "team-a.web-1");
  spec.name = std::string(200, 'w');
  const std::string capped = spec.host_vm_name();
  EXPECT_EQ(capped.size(), VmSpec::kMaxHostVmName);
  EXPECT_EQ(capped.substr(0, 9), "team-a.ww");
  EXPECT_EQ(capped.substr(capped.size() - 9), "~0f1e2d3c");
  VmSpec other = spec;
  other.uid = "1a2b3c4d-0000-0000-0000-000000000000";
  EXPECT_NE(other.host_vm_name(), capped);
}

TEST(VmSpecJson, UnknownFieldsAreIgnoredForForwardCompatibility) {
  const auto parsed =
      parse_vm_spec(R"({"uid":"u1","name":"a","namespace":"b","cpu":{"count":1,"future":true},)"
                    R"("memory":{"startupBytes":1073741824},"gpu":{"count":1}})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->cpu.count, 1);
}

}  // namespace
}  // namespace hvo::agent
