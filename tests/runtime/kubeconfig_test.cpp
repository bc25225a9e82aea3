#include <gtest/gtest.h>

#include "operator/client_config.h"
#include "tests/runtime/temp_dir.h"

namespace hvo::kube {
namespace {

using testing::TempDir;

// base64 of "-----CA PEM-----" and "-----CERT-----", "-----KEY-----".
constexpr const char* kCaData = "LS0tLS1DQSBQRU0tLS0tLQ==";
constexpr const char* kCertData = "LS0tLS1DRVJULS0tLS0=";
constexpr const char* kKeyData = "LS0tLS1LRVktLS0tLQ==";

std::string single_config(const std::string& cluster_body, const std::string& user_body,
                          const std::string& context_extra = "") {
  return "apiVersion: v1\nkind: Config\ncurrent-context: dev\n"
         "clusters:\n- name: c1\n  cluster:\n" +
         cluster_body + "users:\n- name: u1\n  user:\n" + user_body +
         "contexts:\n- name: dev\n  context:\n    cluster: c1\n    user: u1\n" + context_extra;
}

TEST(Kubeconfig, ReadsServerTokenAndInlineCertificates) {
  TempDir dir;
  const std::string path =
      dir.write("config", single_config("    server: https://10.0.0.1:6443/\n"
                                        "    certificate-authority-data: " +
                                            std::string(kCaData) +
                                            "\n"
                                            "    tls-server-name: api.internal\n",
                                        "    token: abc123\n"
                                        "    client-certificate-data: " +
                                            std::string(kCertData) +
                                            "\n"
                                            "    client-key-data: " +
                                            std::string(kKeyData) + "\n",
                                        "    namespace: vms\n"));
  auto config = load_kubeconfig({path});
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_EQ(config->server, "https://10.0.0.1:6443");
  EXPECT_EQ(config->tls.ca_pem, "-----CA PEM-----");
  EXPECT_EQ(config->tls.cert_pem, "-----CERT-----");
  EXPECT_EQ(config->tls.key_pem, "-----KEY-----");
  EXPECT_EQ(config->tls.server_name, "api.internal");
  EXPECT_FALSE(config->tls.insecure_skip_verify);
  EXPECT_EQ(config->token, "abc123");
  EXPECT_EQ(config->namespace_name, "vms");
  EXPECT_NE(config->origin.find("context dev"), std::string::npos);
}

TEST(Kubeconfig, ResolvesRelativePathsAgainstTheFilesFolder) {
  TempDir dir;
  dir.write("kube/pki/ca.crt", "ca");
  dir.write("kube/pki/client.crt", "cert");
  dir.write("kube/pki/client.key", "key");
  dir.write("kube/token", "tok\n");
  const std::string path =
      dir.write("kube/config", single_config("    server: https://k:6443\n"
                                             "    certificate-authority: pki/ca.crt\n",
                                             "    client-certificate: pki/client.crt\n"
                                             "    client-key: ./pki/client.key\n"
                                             "    tokenFile: token\n"));
  auto config = load_kubeconfig({path});
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_EQ(config->tls.ca_file, (dir.path() / "kube/pki/ca.crt").string());
  EXPECT_EQ(config->tls.cert_file, (dir.path() / "kube/pki/client.crt").string());
  EXPECT_EQ(config->tls.key_file, (dir.path() / "kube/pki/client.key").string());
  EXPECT_EQ(config->token_file, (dir.path() / "kube/token").string());
  EXPECT_EQ(config->namespace_name, "default");
}

TEST(Kubeconfig, MergesAListFirstDefinitionWins) {
  TempDir dir;
  const std::string first = dir.write(
      "a/config",
      "current-context: from-a\n"
      "clusters:\n- name: shared\n  cluster:\n    server: https://first:6443\n"
      "contexts:\n- name: from-a\n  context:\n    cluster: shared\n    user: only-in-b\n");
  const std::string second =
      dir.write("b/config",
                "current-context: from-b\n"
                "clusters:\n- name: shared\n  cluster:\n    server: https://second:6443\n"
                "users:\n- name: only-in-b\n  user:\n    token: from-b-token\n"
                "contexts:\n- name: from-b\n  context:\n    cluster: shared\n");
  const std::string missing = (dir.path() / "nowhere/config").string();

  auto config = load_kubeconfig({missing, first, second});
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_EQ(config->server, "https://first:6443");
  EXPECT_EQ(config->token, "from-b-token");

  auto other = load_kubeconfig({first, second}, "from-b");
  ASSERT_TRUE(other.ok()) << other.error().message();
  EXPECT_EQ(other->server, "https://first:6443");
  EXPECT_EQ(other->token, "");
}

TEST(Kubeconfig, InsecureSkipVerifyAndNoUser) {
  TempDir dir;
  const std::string path = dir.write(
      "config",
      "current-context: x\nclusters:\n- name: c\n  cluster:\n    server: https://h:1\n"
      "    insecure-skip-tls-verify: true\ncontexts:\n- name: x\n  context:\n    cluster: c\n");
  auto config = load_kubeconfig({path});
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_TRUE(config->tls.insecure_skip_verify);
  EXPECT_TRUE(config->token.empty());
}

struct BrokenCase {
  const char* name;
  std::string content;
  const char* context;
  std::vector<std::string> expected_fragments;  // each must appear in the error message
};

// What gtest prints for a row, and so what ctest names it by: a name, not the bytes.
void PrintTo(const BrokenCase& c, std::ostream* os) {
  *os << c.name;
}

class KubeconfigErrorTest : public ::testing::TestWithParam<BrokenCase> {};

TEST_P(KubeconfigErrorTest, NamesTheFileAndTheField) {
  TempDir dir;
  const std::string path = dir.write("config", GetParam().content);
  auto config = load_kubeconfig({path}, GetParam().context);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(config.error().message().find(path), std::string::npos) << config.error().message();
  for (const std::string& fragment : GetParam().expected_fragments) {
    EXPECT_NE(config.error().message().find(fragment), std::string::npos)
        << "missing '" << fragment << "' in: " << config.error().message();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, KubeconfigErrorTest,
    ::testing::Values(
        BrokenCase{"NotYaml", "clusters: [unclosed", "", {"not valid YAML"}},
        BrokenCase{"NotAMapping", "- a\n- b\n", "", {"must be a mapping"}},
        BrokenCase{"NoCurrentContext",
                   "clusters:\n- name: c\n  cluster:\n    server: https://h:1\n",
                   "",
                   {"current-context is not set"}},
        BrokenCase{"UnknownContext",
                   single_config("    server: https://h:1\n", "    token: t\n"),
                   "prod",
                   {"context \"prod\" not found"}},
        BrokenCase{"UnknownCluster",
                   "current-context: x\ncontexts:\n- name: x\n  context:\n    cluster: gone\n",
                   "",
                   {"contexts[0] (x)", "cluster \"gone\" not found"}},
        BrokenCase{"UnknownUser",
                   "current-context: x\nclusters:\n- name: c\n  cluster:\n    server: https://h:1\n"
                   "contexts:\n- name: x\n  context:\n    cluster: c\n    user: ghost\n",
                   "",
                   {"user \"ghost\" not found"}},
        BrokenCase{"MissingServer",
                   single_config("    tls-server-name: x\n", "    token: t\n"),
                   "",
                   {"clusters[0] (c1)", "server is missing"}},
        BrokenCase{"BadCaData",
                   single_config("    server: https://h:1\n    certificate-authority-data: '!!'\n",
                                 "    token: t\n"),
                   "",
                   {"clusters[0] (c1)", "certificate-authority-data is not valid base64"}},
        BrokenCase{"CaFileAndData",
                   single_config("    server: https://h:1\n    certificate-authority: /etc/hosts\n"
                                 "    certificate-authority-data: " +
                                     std::string(kCaData) + "\n",
                                 "    token: t\n"),
                   "",
                   {"certificate-authority and certificate-authority-data are both set"}},
        BrokenCase{"MissingCaFile",
                   single_config("    server: https://h:1\n    certificate-authority: nope.crt\n",
                                 "    token: t\n"),
                   "",
                   {"certificate-authority", "nope.crt does not exist"}},
        BrokenCase{"InsecureWithCa",
                   single_config("    server: https://h:1\n    insecure-skip-tls-verify: true\n"
                                 "    certificate-authority-data: " +
                                     std::string(kCaData) + "\n",
                                 "    token: t\n"),
                   "",
                   {"insecure-skip-tls-verify cannot be combined"}},
        BrokenCase{"InsecureNotBool",
                   single_config("    server: https://h:1\n    insecure-skip-tls-verify: maybe\n",
                                 "    token: t\n"),
                   "",
                   {"insecure-skip-tls-verify must be true or false"}},
        BrokenCase{"CertWithoutKey",
                   single_config("    server: https://h:1\n",
                                 "    client-certificate-data: " + std::string(kCertData) + "\n"),
                   "",
                   {"users[0] (u1)", "client-certificate is set without client-key"}},
        BrokenCase{"ExecPlugin",
                   single_config("    server: https://h:1\n", "    exec:\n      command: aws\n"),
                   "",
                   {"users[0] (u1)", "exec is not supported"}},
        BrokenCase{"MissingTokenFile",
                   single_config("    server: https://h:1\n", "    tokenFile: no-such-token\n"),
                   "",
                   {"tokenFile", "no-such-token does not exist"}},
        BrokenCase{"EntryWithoutName",
                   "clusters:\n- cluster:\n    server: https://h:1\n",
                   "",
                   {"clusters[0]", "name is missing"}},
        BrokenCase{"ListNotASequence", "users: {a: 1}\n", "", {"users must be a list"}}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Kubeconfig, NoFileOfTheListExists) {
  auto config = load_kubeconfig({"/nonexistent/a", "/nonexistent/b"});
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(config.error().message().find("/nonexistent/a, /nonexistent/b"), std::string::npos);
}

TEST(Kubeconfig, SplitsTheKubeconfigList) {
  EXPECT_EQ(split_kubeconfig_list("/a:/b::/c:"), (std::vector<std::string>{"/a", "/b", "/c"}));
  EXPECT_TRUE(split_kubeconfig_list("").empty());
}

}  // namespace
}  // namespace hvo::kube
