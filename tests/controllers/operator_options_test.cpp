// The operator's flags and environment.
#include "operator/app/options.h"

#include <gtest/gtest.h>

#include <map>

#include "common/metrics/registry.h"
#include "controllers/kinds.h"
#include "tests/runtime/fake_api_server.h"
#include "tests/runtime/fake_clock.h"

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
  EXPECT_EQ(options->vm_workers, 8);
  EXPECT_EQ(options->host_poll_interval, std::chrono::seconds(30));
  EXPECT_EQ(options->host_heartbeat_timeout, std::chrono::minutes(2));
  EXPECT_EQ(options->tenant_admin_cluster_role, "hyperv-operator-tenant-admin");
  EXPECT_EQ(options->kube_api_qps, 300);
  EXPECT_EQ(options->kube_api_burst, 600);
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
      {{"--kube-api-qps=0"},
       "--kube-api-qps: \"0\" is not a positive number of requests per second"},
      {{"--kube-api-qps=fast"},
       "--kube-api-qps: \"fast\" is not a positive number of requests per second"},
      {{"--kube-api-burst=0"}, "--kube-api-burst: \"0\" is not a burst of at least 1 request"},
      {{"--frobnicate=1"}, "unknown flag --frobnicate (see --help)"},
      {{"--kubeconfig"}, "--kubeconfig: needs a value"},
  };
  for (const auto& [args, message] : cases) {
    auto options = parse_options(args, env({}));
    ASSERT_FALSE(options.ok()) << args[0];
    EXPECT_EQ(options.error().message(), message);
  }
}

TEST(OperatorOptions, KubeApiRateLimitFlagsParse) {
  auto options = parse_options({"--kube-api-qps=7.5", "--kube-api-burst", "12"}, env({}));
  ASSERT_TRUE(options.ok()) << options.error().message();
  EXPECT_EQ(options->kube_api_qps, 7.5);
  EXPECT_EQ(options->kube_api_burst, 12);
  const kube::RestClientOptions rest = rest_client_options(*options);
  EXPECT_EQ(rest.qps, 7.5);
  EXPECT_EQ(rest.burst, 12);
}

TEST(OperatorOptions, AgentCallFlagsDefaultToNoWaitAndEightCallsPerHost) {
  auto defaults = parse_options({}, env({}));
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->agent_operation_wait, std::chrono::milliseconds(0));
  EXPECT_EQ(defaults->agent_max_inflight_per_host, 8);

  auto set = parse_options({"--agent-operation-wait=1500ms", "--agent-max-inflight-per-host", "3"},
                           env({}));
  ASSERT_TRUE(set.ok()) << set.error().message();
  EXPECT_EQ(set->agent_operation_wait, std::chrono::milliseconds(1500));
  EXPECT_EQ(set->agent_max_inflight_per_host, 3);
  for (const char* zero : {"--agent-operation-wait=0", "--agent-operation-wait=0s"}) {
    auto alone = parse_options({zero}, env({}));
    ASSERT_TRUE(alone.ok()) << zero << ": " << alone.error().message();
    EXPECT_EQ(alone->agent_operation_wait, std::chrono::milliseconds(0));
  }
}

TEST(OperatorOptions, AgentCallFlagErrorsNameTheFlag) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--agent-operation-wait=soon"},
       "--agent-operation-wait: \"soon\" is not a duration such as 0, 500ms or 2s"},
      {{"--agent-operation-wait=-1s"},
       "--agent-operation-wait: \"-1s\" is not a duration such as 0, 500ms or 2s"},
      {{"--agent-operation-wait=30s"},
       "--agent-operation-wait (30000ms) must be shorter than --agent-timeout (30000ms)"},
      {{"--agent-timeout=5s", "--agent-operation-wait=10s"},
       "--agent-operation-wait (10000ms) must be shorter than --agent-timeout (5000ms)"},
      {{"--agent-max-inflight-per-host=0"},
       "--agent-max-inflight-per-host: \"0\" is not a number of calls of at least 1"},
      {{"--agent-max-inflight-per-host=many"},
       "--agent-max-inflight-per-host: \"many\" is not a number of calls of at least 1"},
  };
  for (const auto& [args, message] : cases) {
    auto options = parse_options(args, env({}));
    ASSERT_FALSE(options.ok()) << args[0];
    EXPECT_EQ(options.error().message(), message);
  }
}

// The flags reach the client's token bucket: with 2 QPS and a burst of 1, three requests take
// one second of the (fake) clock, where the defaults would let them through at once.
TEST(OperatorOptions, KubeApiRateLimitFlagsReachTheRestClient) {
  const auto elapsed_for_three_gets = [](const std::vector<std::string>& args) {
    auto options = parse_options(args, env({}));
    EXPECT_TRUE(options.ok());
    kube::testing::FakeClock clock;
    clock.set_auto_advance(true);
    metrics::Registry registry;
    kube::RestClientOptions rest_options = rest_client_options(*options);
    rest_options.random = [] { return 0.0; };
    kube::RestClient client(std::make_shared<kube::testing::FakeApiServer>(), "https://fake:6443",
                            nullptr, registry, rest_options, clock);
    const kube::SteadyTime before = clock.now();
    for (int i = 0; i < 3; ++i)
      (void)client.get(controllers::kVirtualMachines, "ns", "missing");
    return clock.now() - before;
  };
  EXPECT_EQ(elapsed_for_three_gets({"--kube-api-qps=2", "--kube-api-burst=1"}),
            std::chrono::milliseconds(1000));
  EXPECT_EQ(elapsed_for_three_gets({}), kube::Duration::zero());
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
