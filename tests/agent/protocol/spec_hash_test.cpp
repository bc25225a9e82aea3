#include "hostagent/protocol/spec_hash.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hostagent/protocol/vm_status.h"
#include "tests/agent/support/sample_spec.h"

namespace hvo::agent {
namespace {

using testing::sample_spec;

// The operator hashes the spec it sends, the agent the spec it parsed: the two must agree.
TEST(SpecHash, SurvivesTheTripOverTheWire) {
  const VmSpec spec = sample_spec();
  const auto parsed = parse_vm_spec(nlohmann::json(spec).dump());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(spec_hash(parsed.value()), spec_hash(spec));
}

TEST(SpecHash, IgnoresBookkeepingButNotConfiguration) {
  const VmSpec spec = sample_spec();
  VmSpec bookkeeping = spec;
  bookkeeping.power = PowerIntent::kOff;
  bookkeeping.object_generation = 9;
  bookkeeping.shutdown_timeout_seconds = 5;
  EXPECT_EQ(spec_hash(bookkeeping), spec_hash(spec));
  VmSpec bigger = spec;
  bigger.cpu.count = 4;
  EXPECT_NE(spec_hash(bigger), spec_hash(spec));
  VmSpec user_data = spec;
  user_data.cloud_init->user_data += "# changed\n";
  EXPECT_NE(spec_hash(user_data), spec_hash(spec));
}

TEST(ConfigHash, SeesHandEditsOfCpuMemoryNicsAndDisksInAnyOrder) {
  const VmSpec config = sample_spec();
  VmSpec reordered = config;
  reordered.disks = {config.disks[1], config.disks[0]};
  EXPECT_EQ(config_hash(reordered), config_hash(config));
  VmSpec vlan = config;
  vlan.networks[0].vlan_id = 41;
  VmSpec memory = config;
  memory.memory.startup_bytes *= 2;
  VmSpec disk = config;
  disk.disks[1].size_bytes *= 2;
  for (const auto* edited : {&vlan, &memory, &disk})
    EXPECT_NE(config_hash(*edited), config_hash(config));
}

TEST(AppliedRecord, RoundTripsAndRefusesWhatIsNotARecord) {
  const AppliedRecord record{
      "0123456789abcdef", "fedcba9876543210", {"cpu.count", "networks[nic0].macAddress"}};
  const auto text = encode_applied_record(record);
  EXPECT_EQ(text, "0123456789abcdef fedcba9876543210 cpu.count,networks[nic0].macAddress");
  const auto parsed = parse_applied_record(text);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->deferred, record.deferred);
  EXPECT_EQ(parse_applied_record("0123456789abcdef fedcba9876543210")->deferred.size(), 0u);
  for (const char* bad :
       {"", "not a record", "0123456789abcdef", "0123456789ABCDEF fedcba9876543210",
        "0123456789abcdef fedcba9876543210 cpu count;rm"})
    EXPECT_FALSE(parse_applied_record(bad).has_value()) << bad;
}

TEST(VmStatusJson, CarriesAppliedSpecHashAndDrift) {
  VmStatus status;
  status.uid = "u-1";
  status.applied_spec_hash = "0123456789abcdef";
  status.config_drift = true;
  const auto back = wire::read_vm_status(nlohmann::json(status), "");
  EXPECT_EQ(back.applied_spec_hash, status.applied_spec_hash);
  EXPECT_TRUE(back.config_drift);
}

}  // namespace
}  // namespace hvo::agent
