// Live migration between two sim hosts sharing a fabric folder (sim_fabric.h): the destination
// ends up owning the VM with the same vm id and power state, the source no longer has it; a move
// that fails (injected halfway, refused by the destination, no such destination) leaves the VM
// on the source as it was.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

#include "hostagent/protocol/migrate.h"
#include "hostagent/sim/sim_driver.h"
#include "tests/agent/support/sample_spec.h"
#include "tests/net/test_certs.h"

namespace hvo::agent {
namespace {

using testing::sample_spec;

class SimMigrationTest : public ::testing::Test {
 protected:
  std::unique_ptr<SimDriver> host(const std::string& name, HostResources capacity = {}) {
    SimConfig config;
    config.host_name = name;
    config.fabric_dir = dir_.path() + "/fabric";
    config.state_file = dir_.path() + "/" + name + ".json";
    if (capacity.cpu > 0)
      config.capacity = capacity;
    auto driver = SimDriver::open(std::move(config));
    EXPECT_TRUE(driver.ok()) << (driver.ok() ? "" : driver.error().message());
    return std::move(driver).value();
  }

  MigrateRequest to(const std::string& destination) {
    MigrateRequest request;
    request.destination_host = destination;
    return request;
  }

  hvo::testing::TempDir dir_;
};

TEST_F(SimMigrationTest, RunningVmMovesWithItsIdAndLeavesTheSource) {
  auto source = host("hv-01");
  auto destination = host("hv-02");
  const auto created = source->ensure(sample_spec("u-1"), "/seeds/u-1.iso");
  ASSERT_TRUE(created.ok()) << created.error().message;
  ASSERT_TRUE(source->power("u-1", {PowerAction::kStart, 0}).ok());

  std::vector<int64_t> progress;
  const auto moved = source->migrate("u-1", to("hv-02"), [&](int64_t p) { progress.push_back(p); });
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  EXPECT_EQ(moved->destination_host, "hv-02");
  EXPECT_EQ(moved->vm_id, created->vm.vm_id);
  EXPECT_EQ(source->vm("u-1").error().code, AgentErrorCode::kNotFound);
  const auto arrived = destination->vm("u-1");
  ASSERT_TRUE(arrived.ok()) << arrived.error().message;
  EXPECT_EQ(arrived->vm_id, created->vm.vm_id);
  EXPECT_NE(arrived->state, VmState::kOff);
  ASSERT_FALSE(progress.empty());
  EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));
  EXPECT_EQ(destination->host_info()->vm_count, 1);
  EXPECT_EQ(source->host_info()->vm_count, 0);
}

TEST_F(SimMigrationTest, DestinationKeepsTheVmAcrossARestart) {
  std::string vm_id;
  {
    auto source = host("hv-01");
    auto destination = host("hv-02");
    vm_id = source->ensure(sample_spec("u-1"), "")->vm.vm_id;
    ASSERT_TRUE(source->migrate("u-1", to("hv-02"), nullptr).ok());
  }
  auto destination = host("hv-02");
  auto source = host("hv-01");
  EXPECT_EQ(destination->vm("u-1")->vm_id, vm_id);
  EXPECT_EQ(source->vm("u-1").error().code, AgentErrorCode::kNotFound);
}

TEST_F(SimMigrationTest, InjectedFailureHalfwayLeavesTheVmOnTheSource) {
  auto source = host("hv-01");
  auto destination = host("hv-02");
  ASSERT_TRUE(source->ensure(sample_spec("u-1"), "").ok());
  SimFaults faults;
  faults.fail_migration = {"u-1"};
  source->set_faults(faults);
  int64_t last = 0;
  const auto moved = source->migrate("u-1", to("hv-02"), [&](int64_t p) { last = p; });
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.error().code, AgentErrorCode::kDriverError);
  EXPECT_NE(moved.error().message.find("halfway"), std::string::npos) << moved.error().message;
  EXPECT_EQ(last, 50);
  EXPECT_TRUE(source->vm("u-1").ok());
  EXPECT_EQ(destination->vm("u-1").error().code, AgentErrorCode::kNotFound);
}

TEST_F(SimMigrationTest, DestinationWithoutRoomRefusesAndTheVmStays) {
  auto source = host("hv-01");
  auto destination = host("hv-02", {1, 1LL << 30, 1LL << 40});  // one CPU, 1 GiB
  ASSERT_TRUE(source->ensure(sample_spec("u-1"), "").ok());
  const auto moved = source->migrate("u-1", to("hv-02"), nullptr);
  ASSERT_FALSE(moved.ok());
  EXPECT_NE(moved.error().message.find("refused"), std::string::npos) << moved.error().message;
  EXPECT_TRUE(source->vm("u-1").ok());
  EXPECT_EQ(destination->vm("u-1").error().code, AgentErrorCode::kNotFound);
}

TEST_F(SimMigrationTest, UnknownDestinationSelfAndMissingVmAreRefusedAtOnce) {
  auto source = host("hv-01");
  ASSERT_TRUE(source->ensure(sample_spec("u-1"), "").ok());
  EXPECT_EQ(source->migrate("u-1", to("hv-09"), nullptr).error().code,
            AgentErrorCode::kDriverError);
  EXPECT_EQ(source->migrate("u-1", to("hv-01"), nullptr).error().code, AgentErrorCode::kConflict);
  EXPECT_EQ(source->migrate("u-2", to("hv-09"), nullptr).error().code, AgentErrorCode::kNotFound);
  EXPECT_TRUE(source->vm("u-1").ok());
}

TEST_F(SimMigrationTest, HostWithoutFabricCannotMigrate) {
  auto driver = SimDriver::open(SimConfig{});
  ASSERT_TRUE(driver.ok());
  ASSERT_TRUE(driver.value()->ensure(sample_spec("u-1"), "").ok());
  const auto moved = driver.value()->migrate("u-1", to("hv-02"), nullptr);
  ASSERT_FALSE(moved.ok());
  EXPECT_NE(moved.error().message.find("fabricDir"), std::string::npos);
}

TEST(MigrateRequest, ParsesDefaultsAndRefusesBadHostNamesAndPaths) {
  const auto ok = parse_migrate_request(R"({"destinationHost":"hv-02.example.com"})");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->destination_host, "hv-02.example.com");
  EXPECT_TRUE(ok->include_storage);
  EXPECT_TRUE(ok->destination_path.empty());
  const auto full = parse_migrate_request(
      R"({"destinationHost":"HV02","destinationPath":"D:\\VMs\\x","includeStorage":false})");
  ASSERT_TRUE(full.ok());
  EXPECT_FALSE(full->include_storage);
  EXPECT_EQ(full->destination_path, "D:\\VMs\\x");
  for (const char* bad : {R"({})", R"({"destinationHost":""})", R"({"destinationHost":"a b"})",
                          R"({"destinationHost":"hv;rm"})", R"({"destinationHost":"-x"})",
                          R"({"destinationHost":"hv","destinationPath":"a\nb"})"}) {
    const auto parsed = parse_migrate_request(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().code, AgentErrorCode::kInvalidSpec) << bad;
  }
}

TEST(MigrateOperation, ProgressAndResultRoundTrip) {
  Operation op;
  op.id = "op-1";
  op.kind = OperationKind::kMigrate;
  op.uid = "u-1";
  op.state = OperationState::kRunning;
  op.progress_percent = 40;
  nlohmann::json json = op;
  auto parsed = parse_operation(json.dump());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->kind, OperationKind::kMigrate);
  EXPECT_EQ(parsed->progress_percent, 40);
  op.state = OperationState::kSucceeded;
  op.migrate_result = MigrateResult{"hv-02", "vm-id-1"};
  json = op;
  parsed = parse_operation(json.dump());
  ASSERT_TRUE(parsed.ok());
  ASSERT_TRUE(parsed->migrate_result.has_value());
  EXPECT_EQ(parsed->migrate_result->destination_host, "hv-02");
  EXPECT_EQ(parsed->migrate_result->vm_id, "vm-id-1");
}

}  // namespace
}  // namespace hvo::agent
