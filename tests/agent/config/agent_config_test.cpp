#include "hostagent/config/agent_config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/net/test_certs.h"

namespace hvo::agent {
namespace {

const char* kMinimal = R"(
tls: {certFile: server.crt, keyFile: server.key, clientCAFile: ca.crt}
auth: {tokenFile: token}
paths: {dataDir: data}
)";

TEST(AgentConfig, MinimalFileGetsSecureDefaultsAndResolvesPathsFromItsFolder) {
  const auto config = parse_agent_config(kMinimal, "/etc/hyperv-agent");
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_EQ(config->listen_host, "0.0.0.0");
  EXPECT_EQ(config->listen_port, 9443);
  EXPECT_TRUE(config->tls.require_client_cert);
  EXPECT_EQ(config->tls.cert_file, "/etc/hyperv-agent/server.crt");
  EXPECT_EQ(config->token_file, "/etc/hyperv-agent/token");
  EXPECT_EQ(config->data_dir, "/etc/hyperv-agent/data");
  EXPECT_EQ(config->sim.state_file, "/etc/hyperv-agent/data/sim-state.json");
  EXPECT_EQ(config->driver, "sim");
  EXPECT_FALSE(config->sim_test_endpoints);
}

TEST(AgentConfig, FullFileSetsEveryField) {
  const auto config = parse_agent_config(R"(
listen: "[::1]:8443"
tls: {certFile: /a.crt, keyFile: /a.key, clientCAFile: /ca.crt, requireClientCert: true}
auth: {tokenFile: /token}
driver: hyperv
paths: {dataDir: /d, vmDir: /vms, imageDir: /images}
limits: {maxConcurrentDriverCalls: 2, maxQueuedOperations: 10, maxBodyBytes: 4096,
         operationWaitMs: 0, operationRetention: 5}
sim:
  hostName: hv-07
  capacity: {cpu: 8, memoryBytes: 17179869184, storageBytes: 1099511627776}
  switches: [{name: lan, type: External}, {name: internal, type: Internal}]
  images: [{name: rocky-10, sizeBytes: 2147483648}]
  unmanagedVmCount: 2
  latencies: {createMs: 10, startMs: 20, stopMs: 30}
  faults: {createFailureRatio: 0.25, failingVms: [u1], hostDown: false, crashAfterCreate: [u2], seed: 9}
  testEndpoints: true
hyperv: {powershell: pwsh, scriptDir: /scripts, callTimeoutMs: 5000}
logging: {format: json, level: debug}
)",
                                         "/");
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_EQ(config->listen_host, "::1");
  EXPECT_EQ(config->listen_port, 8443);
  EXPECT_EQ(config->driver, "hyperv");
  EXPECT_EQ(config->vm_dir, "/vms");
  EXPECT_EQ(config->limits.max_body_bytes, 4096);
  EXPECT_EQ(config->limits.operation_wait_ms, 0);
  EXPECT_EQ(config->sim.host_name, "hv-07");
  EXPECT_EQ(config->sim.capacity.cpu, 8);
  ASSERT_EQ(config->sim.switches.size(), 2u);
  EXPECT_EQ(config->sim.switches[1].type, "Internal");
  EXPECT_EQ(config->sim.images[0].size_bytes, 2147483648);
  EXPECT_EQ(config->sim.latencies.stop_ms, 30);
  EXPECT_DOUBLE_EQ(config->sim.faults.create_failure_ratio, 0.25);
  EXPECT_EQ(config->sim.faults.crash_after_create.count("u2"), 1u);
  EXPECT_TRUE(config->sim_test_endpoints);
  EXPECT_EQ(config->hyperv.powershell, "pwsh");
  EXPECT_EQ(config->hyperv.call_timeout_ms, 5000);
  EXPECT_EQ(config->log_format, "json");
}

TEST(AgentConfig, BadFilesFailNamingTheKey) {
  const std::string base =
      "tls: {certFile: s.crt, keyFile: s.key, clientCAFile: ca.crt}\n"
      "auth: {tokenFile: t}\npaths: {dataDir: d}\n";
  const std::pair<std::string, const char*> rows[] = {
      {"auth: {tokenFile: t}\npaths: {dataDir: d}\n", "tls.certFile"},
      {"tls: {certFile: s.crt, keyFile: s.key}\nauth: {tokenFile: t}\npaths: {dataDir: d}\n",
       "tls.clientCAFile"},
      {"tls: {certFile: s.crt, keyFile: s.key, clientCAFile: c}\npaths: {dataDir: d}\n",
       "auth.tokenFile"},
      {base + "driver: vmware\n", "driver"},
      {base + "listen: 9443\n", "listen"},
      {base + "listen: 'host:99999'\n", "listen"},
      {base + "limits: {maxBodyBytes: 0}\n", "limits.maxBodyBytes"},
      {base + "limits: {maxBodyBytes: lots}\n", "limits.maxBodyBytes"},
      {base + "limts: {}\n", "limts: unknown key"},
      {base + "sim: {capacity: {cpus: 4}}\n", "sim.capacity.cpus: unknown key"},
      {base + "sim: {faults: {createFailureRatio: 2}}\n", "sim.faults.createFailureRatio"},
      {base + "sim: {latencies: {startMs: -1}}\n", "sim.latencies.startMs"},
      {"[1, 2]", "config"},
      {base + "tls: [\n", "config"},
  };
  for (const auto& [yaml, expected] : rows) {
    SCOPED_TRACE(yaml);
    const auto config = parse_agent_config(yaml, "/etc");
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(config.error().message().find(expected), std::string::npos)
        << config.error().message();
  }
}

TEST(AgentConfig, MutualTlsCanOnlyBeTurnedOffExplicitly) {
  const auto config = parse_agent_config(
      "tls: {certFile: s, keyFile: k, requireClientCert: false}\nauth: {tokenFile: t}\n"
      "paths: {dataDir: d}\n",
      "/");
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_FALSE(config->tls.require_client_cert);
}

TEST(AgentConfig, LoadNamesTheFileInErrors) {
  hvo::testing::TempDir dir;
  const std::string path = dir.path() + "/agent.yaml";
  std::ofstream(path) << "driver: nope\n";
  const auto config = load_agent_config(path);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message().find(path), std::string::npos);
  EXPECT_FALSE(load_agent_config(dir.path() + "/missing.yaml").ok());
}

}  // namespace
}  // namespace hvo::agent
