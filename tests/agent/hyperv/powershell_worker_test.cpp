#include "hostagent/hyperv/powershell_worker.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/agent/hyperv/fake_powershell.h"

namespace hvo::agent {
namespace {

using testing::FakePowerShell;

TEST(PowerShellWorker, StartsOnceWithAFixedCommandLineAndFramesEachRequestAsOneLine) {
  FakePowerShell fake;
  PowerShellWorker worker(fake.settings());
  ASSERT_TRUE(worker.run(Script::kHostInfo, R"({"vmDir":"D:\\VMs"})").ok());
  const auto inventory = worker.run(Script::kInventory, R"({"uid":"u-1"})");
  ASSERT_TRUE(inventory.ok()) << inventory.error().message;
  EXPECT_NE(inventory.value().find("hyperv-operator-uid: u-1"), std::string::npos);

  const auto argvs = fake.argvs();
  ASSERT_EQ(argvs.size(), 1u);  // one long-lived process for both calls
  const std::vector<std::string> expected = {
      argvs[0][0],
      "-NoLogo",
      "-NoProfile",
      "-NonInteractive",
      "-ExecutionPolicy",
      "Bypass",
      "-File",
      std::string(HVO_SOURCE_DIR) + "/hostagent/scripts/worker.ps1"};
  EXPECT_EQ(argvs[0], expected);
  const auto lines = fake.stdin_lines();
  ASSERT_EQ(lines.size(), 2u);
  const auto second = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(second["script"], "inventory");
  EXPECT_EQ(second["input"]["uid"], "u-1");
}

TEST(PowerShellWorker, CrashedWorkerFailsTheCallAndIsStartedAgainForTheNext) {
  FakePowerShell fake("crash-once");
  PowerShellWorker worker(fake.settings());
  const auto crashed = worker.run(Script::kInventory, "{}");
  ASSERT_FALSE(crashed.ok());
  EXPECT_EQ(crashed.error().code, AgentErrorCode::kDriverError);
  const auto next = worker.run(Script::kInventory, "{}");
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(worker.restarts(), 1);
  EXPECT_EQ(fake.argvs().size(), 2u);
}

TEST(PowerShellWorker, SilentWorkerTimesOutAndIsReplaced) {
  FakePowerShell fake("hang");
  PowerShellWorker worker(fake.settings(std::chrono::milliseconds(2000)));
  const auto result = worker.run(Script::kInventory, "{}");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, AgentErrorCode::kTimeout);
  EXPECT_FALSE(worker.run(Script::kInventory, "{}").ok());
  EXPECT_EQ(fake.argvs().size(), 2u);  // the hung worker was killed, a new one started
}

TEST(PowerShellWorker, StrayLinesAreSkippedUntilTheReplyWithTheRequestsId) {
  FakePowerShell fake("garbage");
  PowerShellWorker worker(fake.settings());
  for (int i = 0; i < 3; ++i) {
    const auto result = worker.run(Script::kInventory, R"({"uid":"u-7"})");
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_NE(result.value().find("u-7"), std::string::npos);
  }
  EXPECT_EQ(worker.restarts(), 0);  // the stray lines never cost the worker
}

// A script that waits on purpose (a guest's shutdown) gets that time on top of the call timeout.
TEST(PowerShellWorker, TimeAScriptWaitsOnPurposeIsAddedToTheCallTimeout) {
  FakePowerShell fake("slow");  // answers after 1.5 s
  PowerShellWorker worker(fake.settings(std::chrono::milliseconds(500)));
  const auto cut = worker.run(Script::kPower, "{}");
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.error().code, AgentErrorCode::kTimeout);
  const auto waited = worker.run(Script::kInventory, "{}", std::chrono::seconds(10));
  ASSERT_TRUE(waited.ok()) << waited.error().message;
}

TEST(OneShotPowerShell, RunsTheNamedScriptWithInputOnStdinAndReadsTheLastLine) {
  FakePowerShell fake;
  OneShotPowerShell shell(fake.settings());
  const auto result = shell.run(Script::kInventory, R"({"uid":"u-9"})");
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_NE(result.value().find("u-9"), std::string::npos);
  const auto argvs = fake.argvs();
  ASSERT_EQ(argvs.size(), 1u);
  EXPECT_EQ(argvs[0].back(), std::string(HVO_SOURCE_DIR) + "/hostagent/scripts/inventory.ps1");
  EXPECT_EQ(fake.stdin_lines(), std::vector<std::string>{R"({"uid":"u-9"})"});
}

TEST(ScriptReply, ErrorsKeepTheScriptsCodeAndNameTheScript) {
  const auto error = parse_script_reply(
      R"({"ok":false,"error":{"code":"ImageNotFound","message":"image x is not in D:\\img"}})",
      Script::kEnsure);
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.error().code, AgentErrorCode::kImageNotFound);
  EXPECT_EQ(error.error().message, "script ensure: image x is not in D:\\img");
  EXPECT_EQ(parse_script_reply("not json", Script::kPower).error().code,
            AgentErrorCode::kDriverError);
}

}  // namespace
}  // namespace hvo::agent
