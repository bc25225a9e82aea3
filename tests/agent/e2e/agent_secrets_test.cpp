// The agent refuses to start while its token or TLS key can be read by other users, or the
// token is too short, and says which file and how to fix it; once fixed, it starts. The folders
// it creates are private.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "hostagent/app/agent_app.h"
#include "tests/agent/support/agent_process.h"
#include "tests/support/test_ports.h"

namespace hvo::agent {
namespace {

namespace fs = std::filesystem;
using testing::RunningAgent;

Result<std::unique_ptr<AgentApp>> start(AgentConfig config) {
  config.listen_port = hvo::testing::reserve_test_port();
  return AgentApp::start(config);
}

void expect_refused(const Result<std::unique_ptr<AgentApp>>& app, const std::string& what,
                    const std::string& path, const std::string& text) {
  ASSERT_FALSE(app.ok()) << what << " should have been refused";
  const std::string message = app.error().message();
  EXPECT_NE(message.find(what), std::string::npos) << message;
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find(text), std::string::npos) << message;
}

TEST(AgentSecrets, TokenReadableByOthersIsRefusedUntilFixed) {
  RunningAgent agent;
  const std::string token = agent.config().token_file;
  fs::permissions(token, fs::perms(0644));
  expect_refused(start(agent.config()), "auth.tokenFile", token, "Fix: chmod 600 " + token);
  EXPECT_FALSE(fs::exists(agent.data_dir()));  // refused before anything was created

  fs::permissions(token, fs::perms(0600));  // the fix the message names
  auto app = start(agent.config());
  ASSERT_TRUE(app.ok()) << app.error().message();
}

TEST(AgentSecrets, TlsKeyReadableByItsGroupIsRefusedUntilFixed) {
  RunningAgent agent;
  const std::string key = agent.config().tls.key_file;
  fs::permissions(key, fs::perms(0640));
  expect_refused(start(agent.config()), "tls.keyFile", key, "Fix: chmod 600 " + key);

  fs::permissions(key, fs::perms(0600));
  auto app = start(agent.config());
  ASSERT_TRUE(app.ok()) << app.error().message();
}

TEST(AgentSecrets, TokenShorterThan32BytesIsRefused) {
  RunningAgent agent;
  const std::string token = agent.config().token_file;
  testing::write_secret(token, "short-token-of-24-bytes!\n");
  expect_refused(start(agent.config()), "auth.tokenFile", token, "24 bytes; at least 32");
}

TEST(AgentSecrets, DataAndSeedFoldersAreCreatedOwnerOnly) {
  RunningAgent agent;
  auto app = start(agent.config());
  ASSERT_TRUE(app.ok()) << app.error().message();
  for (const auto& dir : {agent.config().data_dir, agent.config().seed_dir()}) {
    struct stat info {};
    ASSERT_EQ(::stat(dir.c_str(), &info), 0) << dir;
    EXPECT_EQ(info.st_mode & 0777, 0700u) << dir;
  }
}

}  // namespace
}  // namespace hvo::agent
