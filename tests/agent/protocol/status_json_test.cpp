#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hostagent/protocol/host_info.h"
#include "hostagent/protocol/inventory_digest.h"
#include "hostagent/protocol/operation.h"
#include "hostagent/protocol/vm_status.h"

namespace hvo::agent {
namespace {

VmStatus sample_status() {
  VmStatus s;
  s.uid = "u-1";
  s.vm_id = "6f1c1d0e-0000-4000-8000-000000000001";
  s.name = "team-a.web-1";
  s.state = VmState::kRunning;
  s.raw_state = "Running";
  s.cpu_count = 2;
  s.memory_startup_bytes = 2147483648;
  s.memory_assigned_bytes = 2147483648;
  s.uptime_seconds = 42;
  s.ip_addresses = {"10.0.0.5", "fe80::1"};
  s.nics = {{"nic0", "lan", "00155D010203", 40, {"10.0.0.5"}}};
  s.disks = {{"os", "D:\\VMs\\u-1\\os.vhdx", 32212254720}};
  s.dvd_path = "D:\\VMs\\u-1\\seed.iso";
  s.object_generation = 3;
  s.restart_required_fields = {"cpu.count"};
  return s;
}

TEST(InventoryJson, RoundTripsEveryField) {
  Inventory inventory{{sample_status()}, 2, {}};
  const auto parsed = parse_inventory(nlohmann::json(inventory).dump());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(parsed->vms.size(), 1u);
  const auto& vm = parsed->vms[0];
  const auto expected = sample_status();
  EXPECT_EQ(vm.uid, expected.uid);
  EXPECT_EQ(vm.vm_id, expected.vm_id);
  EXPECT_EQ(vm.state, VmState::kRunning);
  EXPECT_EQ(vm.memory_assigned_bytes, expected.memory_assigned_bytes);
  EXPECT_EQ(vm.ip_addresses, expected.ip_addresses);
  ASSERT_EQ(vm.nics.size(), 1u);
  EXPECT_EQ(vm.nics[0].vlan_id, 40);
  EXPECT_EQ(vm.nics[0].mac_address, "00155D010203");
  ASSERT_EQ(vm.disks.size(), 1u);
  EXPECT_EQ(vm.disks[0].path, expected.disks[0].path);
  EXPECT_EQ(vm.dvd_path, expected.dvd_path);
  EXPECT_TRUE(vm.restart_required());
  EXPECT_EQ(vm.restart_required_fields, expected.restart_required_fields);
  EXPECT_EQ(parsed->unmanaged_count, 2);
}

TEST(InventoryJson, AVmTheHostCouldNotReadCarriesItsError) {
  VmStatus broken;
  broken.uid = "u-2";
  broken.vm_id = "6f1c1d0e-0000-4000-8000-000000000002";
  broken.error = "Get-VMMemory: the configuration file is corrupt";
  Inventory inventory{{sample_status(), broken}, 0, {}};
  const auto json = nlohmann::json(inventory);
  EXPECT_FALSE(json["vms"][0].contains("error"));
  const auto parsed = parse_inventory(json.dump());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(parsed->vms.size(), 2u);
  EXPECT_EQ(parsed->vms[0].error, "");
  EXPECT_EQ(parsed->vms[1].error, broken.error);
}

TEST(InventoryJson, DigestRoundTripsAndIsLeftOutWhenEmpty) {
  Inventory inventory{{sample_status()}, 0, {}};
  EXPECT_FALSE(nlohmann::json(inventory).contains("digest"));
  inventory.digest = inventory_digest(inventory);
  const auto parsed = parse_inventory(nlohmann::json(inventory).dump());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->digest, inventory.digest);
}

// The digest follows what the operator's drift check compares, and nothing that moves on every
// read: otherwise every poll would read the whole inventory again.
TEST(InventoryDigest, ChangesWithIdentityStateAndAddressesOnly) {
  VmStatus a = sample_status();
  VmStatus b = sample_status();
  b.uid = "u-2";
  const std::string base = inventory_digest(Inventory{{a, b}, 0, {}});
  EXPECT_EQ(base.size(), 16u);
  EXPECT_EQ(inventory_digest(Inventory{{b, a}, 0, {}}), base);  // order does not matter

  VmStatus moving = a;
  moving.uptime_seconds += 30;
  moving.memory_assigned_bytes += 1 << 20;
  EXPECT_EQ(inventory_digest(Inventory{{moving, b}, 0, {}}), base);

  VmStatus stopped = a;
  stopped.state = VmState::kOff;
  EXPECT_NE(inventory_digest(Inventory{{stopped, b}, 0, {}}), base);
  VmStatus readdressed = a;
  readdressed.ip_addresses.push_back("10.0.0.99");
  EXPECT_NE(inventory_digest(Inventory{{readdressed, b}, 0, {}}), base);
  VmStatus recreated = a;
  recreated.vm_id = "6f1c1d0e-0000-4000-8000-0000000000ff";
  EXPECT_NE(inventory_digest(Inventory{{recreated, b}, 0, {}}), base);
  EXPECT_NE(inventory_digest(Inventory{{a}, 0, {}}), base);
  // Field boundaries count: moving a character from one address to the next is a change.
  VmStatus split = a;
  split.ip_addresses = {"10.0.0.1", "0.0.0.2"};
  VmStatus joined = a;
  joined.ip_addresses = {"10.0.0.10", ".0.0.2"};
  EXPECT_NE(inventory_digest(Inventory{{split}, 0, {}}),
            inventory_digest(Inventory{{joined}, 0, {}}));
}

TEST(VmStateText, UnknownHostStatesAreOther) {
  EXPECT_EQ(parse_vm_state("Saved"), VmState::kSaved);
  EXPECT_EQ(parse_vm_state("RunningCritical"), VmState::kOther);
}

TEST(HostInfoJson, RoundTripsCapacityAndCatalogues) {
  HostInfo info;
  info.name = "hv-01";
  info.agent_version = "0.1.0";
  info.driver = "sim";
  info.capacity = {64, 256 * 1073741824LL, 4LL << 40};
  info.free = {60, 200 * 1073741824LL, 3LL << 40};
  info.capabilities = {"secureBoot", "tpm"};
  info.switches = {{"lan", "External"}};
  info.images = {{"ubuntu-24.04", 3221225472}};
  info.vm_count = 4;
  info.unmanaged_vm_count = 1;
  info.inventory_digest = "0123456789abcdef";
  const auto parsed = parse_host_info(nlohmann::json(info).dump());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->capacity.memory_bytes, info.capacity.memory_bytes);
  EXPECT_EQ(parsed->free.storage_bytes, info.free.storage_bytes);
  EXPECT_EQ(parsed->capabilities, info.capabilities);
  ASSERT_EQ(parsed->switches.size(), 1u);
  EXPECT_EQ(parsed->switches[0].type, "External");
  ASSERT_EQ(parsed->images.size(), 1u);
  EXPECT_EQ(parsed->images[0].size_bytes, 3221225472);
  EXPECT_EQ(parsed->unmanaged_vm_count, 1);
  EXPECT_EQ(parsed->inventory_digest, info.inventory_digest);
}

TEST(OperationJson, FinishedEnsureRoundTripsWithResult) {
  Operation op;
  op.id = "op-7";
  op.kind = OperationKind::kEnsure;
  op.uid = "u-1";
  op.state = OperationState::kSucceeded;
  op.created_at_unix_ms = 1000;
  op.finished_at_unix_ms = 2000;
  op.ensure_result = EnsureResult{sample_status(), true, {"cpu.count"}, {"generation"}};
  const auto parsed = parse_operation(nlohmann::json(op).dump());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->state, OperationState::kSucceeded);
  EXPECT_TRUE(parsed->finished());
  ASSERT_TRUE(parsed->ensure_result.has_value());
  EXPECT_TRUE(parsed->ensure_result->created);
  EXPECT_EQ(parsed->ensure_result->changed_fields, std::vector<std::string>{"cpu.count"});
  EXPECT_EQ(parsed->ensure_result->unsupported_fields, std::vector<std::string>{"generation"});
  EXPECT_EQ(parsed->ensure_result->vm.uid, "u-1");
}

TEST(OperationJson, FailedOperationCarriesItsError) {
  Operation op;
  op.id = "op-8";
  op.kind = OperationKind::kDelete;
  op.state = OperationState::kFailed;
  op.error = make_error(AgentErrorCode::kDriverError, "Remove-VM failed", "access denied");
  const auto parsed = parse_operation(nlohmann::json(op).dump());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_TRUE(parsed->error.has_value());
  EXPECT_EQ(parsed->error->code, AgentErrorCode::kDriverError);
  EXPECT_EQ(parsed->error->detail, "access denied");
}

TEST(PowerRequestJson, ParsesActionsAndRefusesUnknownOnes) {
  const auto shutdown = parse_power_request(R"({"action":"shutdown","timeoutSeconds":30})");
  ASSERT_TRUE(shutdown.ok());
  EXPECT_EQ(shutdown->action, PowerAction::kShutdown);
  EXPECT_EQ(shutdown->timeout_seconds, 30);
  const auto unknown = parse_power_request(R"({"action":"hibernate"})");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, AgentErrorCode::kInvalidSpec);
  EXPECT_FALSE(parse_power_request(R"({"action":"start","timeoutSeconds":-1})").ok());
}

TEST(ErrorBodyParsing, NonJsonErrorBodiesBecomeInternalQuotingTheBody) {
  const auto body = parse_error_body("<html>bad gateway</html>");
  EXPECT_EQ(body.code, AgentErrorCode::kInternal);
  EXPECT_EQ(body.detail, "<html>bad gateway</html>");
  EXPECT_EQ(parse_error_body(R"({"code":"Busy","message":"m"})").code, AgentErrorCode::kBusy);
}

// Found by the agent_requests fuzz target: a message or detail that is not a string threw
// nlohmann's type_error out of the operator's agent client.
TEST(ErrorBodyParsing, FieldsOfTheWrongTypeAreDroppedNotThrown) {
  const auto body = parse_error_body(R"({"code":"NotFound","message":false,"detail":[1]})");
  EXPECT_EQ(body.code, AgentErrorCode::kNotFound);
  EXPECT_EQ(body.message, "");
  EXPECT_EQ(body.detail, "");
  const auto failed = parse_operation(
      R"({"id":"o-1","kind":"power","uid":"u","state":"Failed","createdAtUnixMs":1,)"
      R"("error":{"code":"Busy","message":{"text":"m"}}})");
  ASSERT_TRUE(failed.ok()) << failed.error().message;
  ASSERT_TRUE(failed->error);
  EXPECT_EQ(failed->error->code, AgentErrorCode::kBusy);
}

}  // namespace
}  // namespace hvo::agent
