// The operator's flags and environment.
#include "operator/app/options.h"

#include <gtest/gtest.h>

#include <map>

namespace hvo::operator_app {
namespace {

EnvLookup env(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    const auto found = values.find(name);
    return found == values.end() ? std::nullopt : std::optional<std::string>(found->second);
  };
}

TEST(OperatorOptions, DefaultsMatchTheChart) {
  auto options = parse_options({}, env({}));
  ASSERT_TRUE(options.ok());
  EXPECT_FALSE(options->leader_elect);
  EXPECT_EQ(options->leader_election_id, "hyperv-operator");
  EXPECT_EQ(options->metrics.port, 8080);
  EXPECT_EQ(options->health.port, 8081);
  EXPECT_EQ(options->vm_workers, 4);
  EXPECT_EQ(options->host_poll_interval, std::chrono::seconds(30));
  EXPECT_EQ(options->host_heartbeat_timeout, std::chrono::minutes(2));
  EXPECT_EQ(options->tenant_admin_cluster_role, "hyperv-operator-tenant-admin");
}

TEST(OperatorOptions, ParsesTheChartsArguments) {
  auto options = parse_options(
      {"--leader-elect", "--leader-election-namespace=hyperv-system", "--leader-election-id=hvo",
       "--metrics-bind-address=:9090", "--health-probe-bind-address", "127.0.0.1:9091",
       "--log-format=json", "--log-level=debug", "--vm-workers=8", "--host-poll-interval=1m30s",
       "--host-heartbeat-timeout=45s"},
      env({{"POD_NAME", "op-0"}, {"POD_NAMESPACE", "ignored"}}));

  ASSERT_TRUE(options.ok()) << options.error().message();
  EXPECT_TRUE(options->leader_elect);
  EXPECT_EQ(options->leader_election_namespace, "hyperv-system");
  EXPECT_EQ(options->leader_election_id, "hvo");
  EXPECT_EQ(options->metrics.port, 9090);
  EXPECT_EQ(options->health.host, "127.0.0.1");
  EXPECT_EQ(options->health.port, 9091);
  EXPECT_EQ(options->log_format, "json");
  EXPECT_EQ(options->vm_workers, 8);
  EXPECT_EQ(options->host_poll_interval, std::chrono::seconds(90));
  EXPECT_EQ(options->host_heartbeat_timeout, std::chrono::seconds(45));
  EXPECT_EQ(options->pod_name, "op-0");
}

TEST(OperatorOptions, LeaseNamespaceDefaultsToThePodsNamespace) {
  auto options = parse_options({"--leader-elect=true"}, env({{"POD_NAMESPACE", "hyperv-system"}}));
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options->leader_election_namespace, "hyperv-system");
}

TEST(OperatorOptions, ErrorsNameTheFlag) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--vm-workers=0"}, "--vm-workers: \"0\" is not a worker count of at least 1"},
      {{"--host-poll-interval=soon"},
       "--host-poll-interval: \"soon\" is not a positive duration such as 30s or 2m"},
      {{"--log-format=xml"}, "--log-format: expects text or json, got \"xml\""},
      {{"--metrics-bind-address=8080"},
       "--metrics-bind-address: \"8080\" is not an address such as :8080 or 0 (off)"},
      {{"--frobnicate=1"}, "unknown flag --frobnicate (see --help)"},
      {{"--kubeconfig"}, "--kubeconfig: needs a value"},
  };
  for (const auto& [args, message] : cases) {
    auto options = parse_options(args, env({}));
    ASSERT_FALSE(options.ok()) << args[0];
    EXPECT_EQ(options.error().message(), message);
  }
}

TEST(Durations, GoSpellings) {
  EXPECT_EQ(parse_duration("500ms"), std::chrono::milliseconds(500));
  EXPECT_EQ(parse_duration("2m"), std::chrono::minutes(2));
  EXPECT_EQ(parse_duration("1h2m3s"), std::chrono::seconds(3723));
  EXPECT_EQ(parse_duration("1.5s"), std::chrono::milliseconds(1500));
  EXPECT_EQ(parse_duration("30"), std::nullopt);
  EXPECT_EQ(parse_duration("s"), std::nullopt);
  EXPECT_EQ(parse_duration(""), std::nullopt);
}

TEST(BindAddresses, PortHostIpv6AndOff) {
  EXPECT_EQ(parse_bind_address(":8080")->port, 8080);
  EXPECT_EQ(parse_bind_address("[::1]:8080")->host, "::1");
  EXPECT_FALSE(parse_bind_address("0")->enabled);
  EXPECT_EQ(parse_bind_address(":70000"), std::nullopt);
}

}  // namespace
}  // namespace hvo::operator_app
