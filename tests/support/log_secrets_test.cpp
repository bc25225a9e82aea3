// The log scan of the e2e suites (log_secrets.h): it finds a registered secret in a log, where
// and under which label, without printing it, and finds nothing in a clean log.
#include "tests/support/log_secrets.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace hvo::testing {
namespace {

class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "hvo-log-secrets-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  void write(const std::string& name, const std::string& text) const {
    std::filesystem::create_directories((std::filesystem::path(path_) / name).parent_path());
    std::ofstream(std::filesystem::path(path_) / name, std::ios::binary) << text;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

constexpr const char* kToken = "9f86d081884c7d659a2feaa0c55ad015";

TEST(LogSecrets, FindsATokenInALogWithFileLineAndLabel) {
  ScratchDir dir;
  dir.write("agents/hv-01/agent.log",
            "{\"msg\":\"agent_started\"}\n{\"msg\":\"request authorization=Bearer " +
                std::string(kToken) + "\"}\n");
  LogSecrets secrets;
  secrets.add("agent hv-01 token", kToken);
  const auto leaks = secrets.scan_dir(dir.path());
  ASSERT_EQ(leaks.size(), 1u);
  EXPECT_EQ(leaks[0].label, "agent hv-01 token");
  EXPECT_EQ(leaks[0].line, 2u);
  EXPECT_NE(leaks[0].file.find("agents/hv-01/agent.log"), std::string::npos);
  const std::string report = describe(leaks);
  EXPECT_NE(report.find("agent hv-01 token"), std::string::npos);
  EXPECT_EQ(report.find(kToken), std::string::npos) << "the report must not repeat the secret";
}

TEST(LogSecrets, CleanLogsAndFilesThatAreNotLogsHaveNoLeak) {
  ScratchDir dir;
  dir.write("operator.log", "{\"msg\":\"reconciled vm=team-a/web-1\"}\n");
  dir.write("agents/hv-01/token", kToken);  // where the secret is kept is not a log
  dir.write("kubeconfig", std::string("token: ") + kToken);
  LogSecrets secrets;
  secrets.add("agent hv-01 token", kToken);
  EXPECT_TRUE(secrets.scan_dir(dir.path()).empty());
}

TEST(LogSecrets, ShortValuesAreNotRegistered) {
  LogSecrets secrets;
  secrets.add("too short", "abc");
  secrets.add("empty", "");
  EXPECT_EQ(secrets.size(), 0u);
  EXPECT_TRUE(secrets.scan_text("a.log", "abc abc").empty());
}

TEST(LogSecrets, OneLineOfAPrivateKeyIsALeak) {
  const std::string key =
      "-----BEGIN PRIVATE KEY-----\n"
      "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgevZzL1gdAFr88hb2\n"
      "OF/2NxApJCzGCEDdfSp6VQO30hyhRANCAAQRWz+jn65BtOMvdyHKcvjBeBSDZH2r\n"
      "-----END PRIVATE KEY-----\n";
  LogSecrets secrets;
  secrets.add("client.key", key);
  const auto leaks =
      secrets.scan_text("operator.log",
                        "line one\ntls error near "
                        "OF/2NxApJCzGCEDdfSp6VQO30hyhRANCAAQRWz+jn65BtOMvdyHKcvjBeBSDZH2r\n");
  ASSERT_EQ(leaks.size(), 1u);
  EXPECT_EQ(leaks[0].line, 2u);
  EXPECT_EQ(leaks[0].label, "client.key");
  // The armour lines are in every key: alone they are no leak.
  EXPECT_TRUE(secrets.scan_text("a.log", "-----BEGIN PRIVATE KEY-----\n").empty());
}

TEST(LogSecrets, ManifestsRegisterSecretDataAndUserData) {
  LogSecrets secrets;
  secrets.add_manifests(
      "apiVersion: v1\nkind: Secret\nmetadata: {name: web-1-userdata, namespace: team-a}\n"
      "data:\n  password: aHVudGVyMi1zdXBlci1zZWNyZXQ=\n"  // hunter2-super-secret
      "stringData:\n  apiKey: ak-0123456789abcdef\n"
      "---\n"
      "apiVersion: hyperv.operator.io/v1alpha1\nkind: VirtualMachine\n"
      "metadata: {name: web-1, namespace: team-a}\n"
      "spec:\n  cloudInit:\n    userData: |\n      #cloud-config\n"
      "      password: correct-horse-battery\n");
  const std::string log =
      "a hunter2-super-secret\nb ak-0123456789abcdef\nc password: "
      "correct-horse-battery\nd team-a/web-1 is Running\n";
  const auto leaks = secrets.scan_text("operator.log", log);
  ASSERT_EQ(leaks.size(), 3u) << describe(leaks);
  EXPECT_EQ(leaks[0].label, "Secret team-a/web-1-userdata data.password");
  EXPECT_EQ(leaks[1].label, "Secret team-a/web-1-userdata stringData.apiKey");
  EXPECT_EQ(leaks[2].label, "VirtualMachine team-a/web-1 userData");
}

TEST(LogSecrets, KeyAndTokenFilesUnderADirAreRegistered) {
  ScratchDir dir;
  dir.write("agents/hv-02/token", std::string(kToken) + "\n");
  dir.write("agents/hv-02/client.key", "-----BEGIN PRIVATE KEY-----\nABCDEFGHIJKLMNOPQRSTUVWX\n");
  dir.write("agents/hv-02/ca.crt", "-----BEGIN CERTIFICATE-----\nPUBLICPUBLICPUBLICPUBLIC\n");
  dir.write("agents/hv-02/agent.log", std::string("x ") + kToken + " ABCDEFGHIJKLMNOPQRSTUVWX " +
                                          "PUBLICPUBLICPUBLICPUBLIC\n");
  LogSecrets secrets;
  secrets.add_key_files(dir.path());
  const auto leaks = secrets.scan_dir(dir.path());
  ASSERT_EQ(leaks.size(), 2u) << describe(leaks);
  EXPECT_EQ(leaks[0].label, "client.key (hv-02)");
  EXPECT_EQ(leaks[1].label, "token (hv-02)");
}

}  // namespace
}  // namespace hvo::testing
