#include <gtest/gtest.h>

#include <map>

#include "operator/client_config.h"
#include "tests/runtime/temp_dir.h"

namespace hvo::kube {
namespace {

using testing::TempDir;

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end())
      return std::nullopt;
    return it->second;
  };
}

void write_service_account(const TempDir& dir, const std::string& ns = "hyperv-system\n") {
  dir.write("sa/token", "token-1\n");
  dir.write("sa/ca.crt", "ca");
  dir.write("sa/namespace", ns);
}

TEST(InCluster, BuildsServerFromServiceEnvironment) {
  TempDir dir;
  write_service_account(dir);
  auto config = load_in_cluster(
      env_of({{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}}),
      (dir.path() / "sa").string());
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_EQ(config->server, "https://10.96.0.1:443");
  EXPECT_EQ(config->token_file, (dir.path() / "sa/token").string());
  EXPECT_EQ(config->tls.ca_file, (dir.path() / "sa/ca.crt").string());
  EXPECT_EQ(config->namespace_name, "hyperv-system");
}

TEST(InCluster, BracketsAnIpv6Host) {
  TempDir dir;
  write_service_account(dir);
  auto config = load_in_cluster(
      env_of({{"KUBERNETES_SERVICE_HOST", "fd00:10:96::1"}, {"KUBERNETES_SERVICE_PORT", "443"}}),
      (dir.path() / "sa").string());
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_EQ(config->server, "https://[fd00:10:96::1]:443");
}

TEST(InCluster, FailsOutsideAPod) {
  auto config = load_in_cluster(env_of({}), "/nonexistent");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message().find("KUBERNETES_SERVICE_HOST"), std::string::npos);
}

TEST(InCluster, NamesTheMissingTokenFile) {
  TempDir dir;
  dir.write("sa/ca.crt", "ca");
  auto config =
      load_in_cluster(env_of({{"KUBERNETES_SERVICE_HOST", "h"}, {"KUBERNETES_SERVICE_PORT", "1"}}),
                      (dir.path() / "sa").string());
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message().find((dir.path() / "sa/token").string()), std::string::npos);
}

TEST(LoadClientConfig, PrefersKubeconfigListThenInClusterThenHome) {
  TempDir dir;
  write_service_account(dir);
  const std::string kubeconfig =
      "current-context: x\nclusters:\n- name: c\n  cluster:\n    server: https://from-list:1\n"
      "contexts:\n- name: x\n  context:\n    cluster: c\n";
  const std::string listed = dir.write("listed/config", kubeconfig);
  dir.write("home/.kube/config",
            "current-context: x\nclusters:\n- name: c\n  cluster:\n    server: https://home:1\n"
            "contexts:\n- name: x\n  context:\n    cluster: c\n");
  const std::string sa = (dir.path() / "sa").string();
  const std::string home = (dir.path() / "home").string();

  auto from_list = load_client_config({},
                                      env_of({{"KUBECONFIG", "/missing:" + listed},
                                              {"KUBERNETES_SERVICE_HOST", "h"},
                                              {"KUBERNETES_SERVICE_PORT", "1"},
                                              {"HOME", home}}),
                                      sa);
  ASSERT_TRUE(from_list.ok()) << from_list.error().message();
  EXPECT_EQ(from_list->server, "https://from-list:1");

  auto in_cluster = load_client_config(
      {},
      env_of({{"KUBERNETES_SERVICE_HOST", "h"}, {"KUBERNETES_SERVICE_PORT", "1"}, {"HOME", home}}),
      sa);
  ASSERT_TRUE(in_cluster.ok()) << in_cluster.error().message();
  EXPECT_EQ(in_cluster->server, "https://h:1");

  auto from_home = load_client_config({}, env_of({{"HOME", home}}), sa);
  ASSERT_TRUE(from_home.ok()) << from_home.error().message();
  EXPECT_EQ(from_home->server, "https://home:1");

  auto explicit_file = load_client_config({listed, ""}, env_of({{"HOME", home}}), sa);
  ASSERT_TRUE(explicit_file.ok()) << explicit_file.error().message();
  EXPECT_EQ(explicit_file->server, "https://from-list:1");

  auto missing_explicit = load_client_config({"/nonexistent/kubeconfig", ""}, env_of({}), sa);
  ASSERT_FALSE(missing_explicit.ok());
  EXPECT_NE(missing_explicit.error().message().find("/nonexistent/kubeconfig"), std::string::npos);
}

}  // namespace
}  // namespace hvo::kube
