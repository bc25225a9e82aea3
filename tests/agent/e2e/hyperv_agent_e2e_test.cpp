// The real hyperv-agent binary with `driver: hyperv`, driven over HTTPS with its client
// certificate and token, spawning real pwsh that runs the real scripts against the Hyper-V rules
// model (tests/agent/hyperv-model, on PSModulePath as the "Hyper-V" module, so Get-VM autoloads
// as on Windows). The model refuses what Hyper-V refuses, so a change the agent attempted on a
// running VM that needs it off would fail the call; its state file shows what the host holds.
// Without pwsh these tests are skipped with the way to get it; under CI=true they fail.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "common/net/http_client.h"
#include "common/net/http_server.h"
#include "common/process/executable_path.h"
#include "common/process/process.h"
#include "hostagent/protocol/vm_spec.h"
#include "tests/agent/support/api_fixture.h"
#include "tests/agent/support/sample_spec.h"
#include "tests/net/test_certs.h"
#include "tests/support/test_ports.h"

namespace hvo::agent {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kToken = "e2e-token-0123456789abcdef0123456789abcdef";

std::string pwsh_path() {
  if (const char* set = std::getenv("HVO_PWSH"); set != nullptr && *set != '\0')
    return set;
  if (auto found = process::find_executable("pwsh"))
    return *found;
  const char* home = std::getenv("HOME");
  const std::string tool = std::string(home ? home : "") + "/.dotnet/tools/pwsh";
  return std::filesystem::exists(tool) ? tool : "";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// One modelled Hyper-V host and one agent on it, shared by the tests of this file (pwsh and the
// agent take seconds to start); each test uses VMs of its own.
class HypervAgentE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pwsh_ = pwsh_path();
    if (pwsh_.empty())
      return;
    dir_ = std::make_unique<hvo::testing::TempDir>();
    pki_ = std::make_unique<hvo::testing::TestPki>();
    const std::string root = dir_->path();
    const std::string model = std::string(HVO_SOURCE_DIR) + "/tests/agent/hyperv-model";
    env_ = {{"PSModulePath", model + "/modules:" +
                                 (std::getenv("PSModulePath") ? std::getenv("PSModulePath") : "")},
            {"HVMODEL_STATE", root + "/model/state.json"},
            {"HVMODEL_CACHE", std::string(HVO_BINARY_DIR) + "/hvmodel-cache"},
            {"HVO_MODEL_DIR", model},
            {"HVO_IMAGE_DIR", root + "/images"}};
    std::filesystem::create_directories(root + "/vms");
    // The model's own helper seeds the host: two switches and one base image.
    pwsh_command(
        "Import-Module (Join-Path $env:HVO_MODEL_DIR 'HvModel.psm1'); "
        "Initialize-HvModel -StatePath $env:HVMODEL_STATE -Switches lan, wan "
        "-ImageDir $env:HVO_IMAGE_DIR -Images @{ 'ubuntu-24.04' = 10GB }");
    hvo::agent::testing::write_secret(root + "/token", std::string(kToken) + "\n");
    port_ = hvo::testing::reserve_test_port();
    std::ofstream(root + "/agent.yaml")
        << "listen: 127.0.0.1:" << port_ << "\n"
        << "tls: {certFile: " << pki_->server.cert_file << ", keyFile: " << pki_->server.key_file
        << ", clientCAFile: " << pki_->ca.cert_file << "}\n"
        << "auth: {tokenFile: " << root << "/token}\n"
        << "driver: hyperv\n"
        << "paths: {dataDir: " << root << "/data, vmDir: " << root << "/vms, imageDir: " << root
        << "/images}\n"
        << "hyperv: {powershell: " << pwsh_ << ", scriptDir: " << HVO_SOURCE_DIR
        << "/hostagent/scripts, callTimeoutMs: 120000}\n"
        << "limits: {operationWaitMs: 300000}\n";
    process::Options options;
    options.argv = {std::string(HVO_BINARY_DIR) + "/hostagent/hyperv-agent", "serve", "--config",
                    root + "/agent.yaml"};
    options.env = env_;
    options.std_out = process::Stdio::append_to(root + "/agent.log");
    options.std_err = process::Stdio::append_to(root + "/agent.log");
    options.new_process_group = true;
    auto spawned = process::Process::spawn(options);
    if (!spawned.ok()) {
      setup_error_ = "spawning the agent failed: " + spawned.error().message();
      return;
    }
    agent_ = std::make_unique<process::Process>(std::move(spawned).value());
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto health = call("GET", "/healthz");
      if (health.ok() && health->status == 200)
        return;
      std::this_thread::sleep_for(200ms);
    }
    setup_error_ = "the agent did not answer /healthz; log:\n" + read_file(root + "/agent.log");
  }

  static void TearDownTestSuite() {
    if (agent_)
      agent_->stop(10s);
    agent_.reset();
    pki_.reset();
    dir_.reset();
  }

  void SetUp() override {
    if (pwsh_.empty()) {
      const char* ci = std::getenv("CI");
      if (ci != nullptr && std::string(ci) == "true")
        FAIL() << "CI=true and no pwsh: install PowerShell 7.6.10 (make deps)";
      GTEST_SKIP() << "pwsh (PowerShell 7.6.10) not found: run `make deps` or `dotnet tool "
                      "install --global PowerShell --version 7.6.10`";
    }
    // A failure in SetUpTestSuite would make gtest skip the tests, which ctest reports as skipped,
    // not failed: the suite's setup records its failure and every test fails with it here.
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
  }

  static Result<net::HttpResponse> call(const std::string& method, const std::string& path,
                                        const std::string& body = "") {
    net::HttpClientConfig config;
    config.base_url = "https://127.0.0.1:" + std::to_string(port_);
    config.tls.ca_file = pki_->ca.cert_file;
    config.tls.cert_file = pki_->client.cert_file;
    config.tls.key_file = pki_->client.key_file;
    config.timeout = 300s;
    auto client = net::HttpClient::create(config);
    if (!client.ok())
      return client.error();
    net::HttpRequest request;
    request.method = method;
    request.path = path;
    request.body = body;
    if (!body.empty())
      request.headers["Content-Type"] = "application/json";
    request.headers["Authorization"] = std::string("Bearer ") + kToken;
    return (*client)->send(request);
  }

  // A call that must answer `status`; its body as JSON.
  static json expect(const std::string& method, const std::string& path, int status,
                     const std::string& body = "") {
    auto response = call(method, path, body);
    EXPECT_TRUE(response.ok()) << method << " " << path << ": "
                               << (response.ok() ? "" : response.error().message());
    if (!response.ok())
      return json::object();
    EXPECT_EQ(response->status, status) << method << " " << path << ": " << response->body;
    auto parsed = json::parse(response->body, nullptr, false);
    return parsed.is_discarded() ? json::object() : parsed;
  }

  static json ensure(const VmSpec& spec) {
    return expect("PUT", "/v1/vms/" + spec.uid, 200, json(spec).dump())["ensureResult"];
  }

  // Runs pwsh with the model's environment; the command is fixed test text, data comes through
  // environment variables.
  static std::string pwsh_command(const std::string& command) {
    process::Options options;
    options.argv = {pwsh_, "-NoLogo", "-NoProfile", "-NonInteractive", "-Command", command};
    options.env = env_;
    options.std_out = process::Stdio::pipe();
    options.std_err = process::Stdio::pipe();
    auto child = process::Process::spawn(options);
    EXPECT_TRUE(child.ok()) << child.error().message();
    if (!child.ok())
      return "";
    auto output = child->read_all(120s);
    auto status = child->wait(30s);
    EXPECT_TRUE(output.ok() && status.ok() && status->code == 0)
        << command << "\n"
        << (output.ok() ? output->err : "");
    return output.ok() ? output->out : "";
  }

  static void set_model_option(const std::string& options_json) {
    env_["HVO_OPTIONS"] = options_json;
    pwsh_command(
        "Import-Module (Join-Path $env:HVO_MODEL_DIR 'HvModel.psm1'); "
        "Set-HvModelOption ($env:HVO_OPTIONS | ConvertFrom-Json -AsHashtable)");
  }

  // The host as the model holds it (VMs, their devices and the log of every cmdlet call).
  static json host_state() { return json::parse(read_file(env_["HVMODEL_STATE"])); }

  static json model_vm(const std::string& uid) {
    const json state = host_state();  // kept alive: the loop reads into it
    for (const auto& vm : state["vms"]) {
      if (vm["notes"].is_string() &&
          vm["notes"].get<std::string>().find("hyperv-operator-uid: " + uid) != std::string::npos)
        return vm;
    }
    return json();
  }

  static std::vector<json> calls(const std::string& cmdlet) {
    std::vector<json> out;
    const json state = host_state();
    for (const auto& call : state["calls"]) {
      if (call.value("cmdlet", "") == cmdlet)
        out.push_back(call);
    }
    return out;
  }

  static int refused_calls() {
    int refused = 0;
    const json state = host_state();
    for (const auto& call : state["calls"]) {
      if (!call.value("ok", true))
        ++refused;
    }
    return refused;
  }

  static std::string pwsh_;
  static std::unique_ptr<hvo::testing::TempDir> dir_;
  static std::unique_ptr<hvo::testing::TestPki> pki_;
  static std::map<std::string, std::string> env_;
  static uint16_t port_;
  static std::unique_ptr<process::Process> agent_;
  static std::string setup_error_;
};

std::string HypervAgentE2e::pwsh_;
std::unique_ptr<hvo::testing::TempDir> HypervAgentE2e::dir_;
std::unique_ptr<hvo::testing::TestPki> HypervAgentE2e::pki_;
std::map<std::string, std::string> HypervAgentE2e::env_;
uint16_t HypervAgentE2e::port_ = 0;
std::unique_ptr<process::Process> HypervAgentE2e::agent_;
std::string HypervAgentE2e::setup_error_;

bool contains(const json& list, const std::string& value) {
  for (const auto& item : list) {
    if (item == value)
      return true;
  }
  return false;
}

TEST_F(HypervAgentE2e, CreatesLiveChangesThenDefersOffOnlyChangesUntilThePowerOffAppliesThem) {
  VmSpec spec = testing::sample_spec("e2e-1", "web-1");
  spec.firmware = {true, "", true};  // Linux guest (cloud-init) without a template, with a vTPM
  spec.networks[0].mac_address = "00155D000001";
  spec.disks[1].size_bytes = kGiB;

  // Create: image disk, data disk, cloud-init ISO, VLAN, static MAC, secure boot, vTPM.
  json result = ensure(spec);
  EXPECT_TRUE(result["created"].get<bool>());
  json vm = result["vm"];
  EXPECT_EQ(vm["state"], "Running");
  EXPECT_EQ(vm["name"], "team-a.web-1");
  ASSERT_EQ(vm["nics"].size(), 1u);
  EXPECT_EQ(vm["nics"][0]["macAddress"], "00155D000001");
  EXPECT_EQ(vm["nics"][0]["vlanId"], 40);
  EXPECT_EQ(vm["disks"].size(), 2u);
  EXPECT_NE(vm["dvdPath"].get<std::string>().find(".iso"), std::string::npos);
  EXPECT_TRUE(vm["restartRequiredFields"].empty());
  json host_vm = model_vm(spec.uid);
  ASSERT_TRUE(host_vm.is_object()) << host_state().dump().substr(0, 3000);
  EXPECT_EQ(host_vm["firmware"]["secureBoot"], "On");
  EXPECT_EQ(host_vm["firmware"]["template"], "MicrosoftUEFICertificateAuthority");
  EXPECT_TRUE(host_vm["security"]["tpm"].get<bool>());
  EXPECT_EQ(host_vm["state"], "Running");

  // A second ensure of the same spec changes nothing.
  result = ensure(spec);
  EXPECT_FALSE(result["created"].get<bool>());
  EXPECT_TRUE(result["changedFields"].empty()) << result.dump();

  // Every live change: applied on the running VM.
  spec.object_generation = 4;
  spec.cpu.weight = 300;
  spec.cpu.limit_percent = 80;
  spec.networks[0].vlan_id = 41;
  spec.networks.push_back({"nic1", "wan", std::nullopt, "00155D000002"});
  spec.disks[1].size_bytes = 2 * kGiB;
  spec.disks.push_back({"logs", kGiB, DiskSource::kBlank});
  result = ensure(spec);
  EXPECT_TRUE(result["vm"]["restartRequiredFields"].empty()) << result.dump();
  for (const char* field : {"cpu.weight", "cpu.limitPercent", "networks[nic0].vlanId",
                            "networks[nic1]", "disks[data].sizeBytes", "disks[logs]"}) {
    EXPECT_TRUE(contains(result["changedFields"], field)) << field << " in " << result.dump();
  }
  EXPECT_EQ(result["vm"]["state"], "Running");
  EXPECT_EQ(result["vm"]["nics"].size(), 2u);
  EXPECT_EQ(result["vm"]["disks"].size(), 3u);

  // Every change that needs the VM off: reported, never attempted while it runs.
  const int refused_before = refused_calls();
  spec.object_generation = 5;
  spec.cpu.count = 4;
  spec.memory.startup_bytes = 4 * kGiB;
  spec.networks[0].mac_address = "00155D0000AA";
  spec.firmware.tpm = false;
  spec.cpu.expose_virtualization_extensions = true;
  result = ensure(spec);
  const json restart = result["vm"]["restartRequiredFields"];
  for (const char* field : {"cpu.count", "memory.startupBytes", "networks[nic0].macAddress",
                            "firmware.tpm", "cpu.exposeVirtualizationExtensions"}) {
    EXPECT_TRUE(contains(restart, field)) << field << " in " << result.dump();
  }
  EXPECT_TRUE(result["changedFields"].empty()) << result.dump();
  EXPECT_EQ(refused_calls(), refused_before);  // nothing the model (Hyper-V) had to refuse
  EXPECT_EQ(model_vm(spec.uid)["processor"]["count"], 2);

  // GET /v1/vms/{uid} reads that one VM and carries the pending fields' VM as it is.
  json one = expect("GET", "/v1/vms/" + spec.uid, 200);
  EXPECT_EQ(one["uid"], spec.uid);
  EXPECT_EQ(one["cpuCount"], 2);

  // Power Off: a graceful stop, then the deferred changes apply in the same call.
  spec.power = PowerIntent::kOff;
  result = ensure(spec);
  EXPECT_EQ(result["vm"]["state"], "Off");
  EXPECT_TRUE(result["vm"]["restartRequiredFields"].empty()) << result.dump();
  EXPECT_TRUE(contains(result["changedFields"], "cpu.count"));
  EXPECT_EQ(result["vm"]["cpuCount"], 4);
  EXPECT_EQ(result["vm"]["nics"][0]["macAddress"], "00155D0000AA");
  EXPECT_FALSE(model_vm(spec.uid)["security"]["tpm"].get<bool>());
  EXPECT_EQ(refused_calls(), refused_before);
}

TEST_F(HypervAgentE2e, GracefulShutdownThatTimesOutFallsBackToTurnOff) {
  VmSpec spec = testing::sample_spec("e2e-2", "web-2");
  ASSERT_EQ(ensure(spec)["vm"]["state"], "Running");
  set_model_option(R"({"guests":{"team-a.web-2":{"ignoreShutdown":true}}})");
  const json op = expect("POST", "/v1/vms/" + spec.uid + "/power", 200,
                         R"({"action":"shutdown","timeoutSeconds":2})");
  EXPECT_EQ(op["vm"]["state"], "Off") << op.dump();
  bool turned_off = false;
  for (const auto& call : calls("Stop-VM"))
    turned_off = turned_off || call["parameters"].contains("TurnOff");
  EXPECT_TRUE(turned_off);

  // Restart of a guest that ignores the shutdown: turned off, then started.
  ensure(spec);
  const json restarted = expect("POST", "/v1/vms/" + spec.uid + "/power", 200,
                                R"({"action":"restart","timeoutSeconds":1})");
  EXPECT_EQ(restarted["vm"]["state"], "Running") << restarted.dump();
}

TEST_F(HypervAgentE2e, DeleteRemovesTheVmItsDisksAndItsFolder) {
  VmSpec spec = testing::sample_spec("e2e-3", "web-3");
  ensure(spec);
  EXPECT_TRUE(std::filesystem::exists(dir_->path() + "/vms/e2e-3"));
  expect("DELETE", "/v1/vms/" + spec.uid, 200);
  expect("GET", "/v1/vms/" + spec.uid, 404);
  EXPECT_FALSE(std::filesystem::exists(dir_->path() + "/vms/e2e-3"));
  EXPECT_TRUE(model_vm(spec.uid).is_null());
  EXPECT_TRUE(std::filesystem::exists(dir_->path() + "/images/ubuntu-24.04.vhdx"));
  expect("DELETE", "/v1/vms/" + spec.uid, 200);  // again: nothing left, still success
}

TEST_F(HypervAgentE2e, EnsureTurnsMeteringOnAndAScrapeExportsTheVmsUsage) {
  VmSpec spec = testing::sample_spec("e2e-4", "web-4");
  ensure(spec);
  const json host_vm = model_vm(spec.uid);
  ASSERT_TRUE(host_vm.is_object());
  EXPECT_TRUE(host_vm.contains("metering") && host_vm["metering"].is_object()) << host_vm.dump();
  // /metrics runs usage.ps1 through the worker: Measure-VM of every metered managed VM.
  const auto scrape = call("GET", "/metrics");
  ASSERT_TRUE(scrape.ok()) << scrape.error().message();
  ASSERT_EQ(scrape->status, 200);
  const std::string labels = "{namespace=\"team-a\",name=\"web-4\",uid=\"e2e-4\"} ";
  for (const char* metric :
       {"hyperv_agent_vm_cpu_seconds_total", "hyperv_agent_vm_disk_read_bytes_total",
        "hyperv_agent_vm_network_transmit_bytes_total"})
    EXPECT_NE(scrape->body.find(metric + labels), std::string::npos) << metric << "\n"
                                                                     << scrape->body;
  const auto memory = scrape->body.find("hyperv_agent_vm_memory_assigned_bytes" + labels);
  ASSERT_NE(memory, std::string::npos) << scrape->body;
  EXPECT_GT(
      std::stod(scrape->body.substr(memory + labels.size() +
                                    std::string("hyperv_agent_vm_memory_assigned_bytes").size())),
      0);
}

TEST_F(HypervAgentE2e, InjectionCorpusThroughTheApiIsRefusedOrReachesPowerShellAsInertData) {
  const std::string canary = dir_->path() + "/canary";
  const std::vector<std::string> corpus = {
      "x'; New-Item -ItemType File -Path '" + canary + "'; '",
      "x\"; New-Item -ItemType File -Path \"" + canary + "\"; \"",
      "$(New-Item -ItemType File -Path '" + canary + "')",
      "`New-Item -ItemType File -Path " + canary + "`",
      "a;b & c | New-Item -ItemType File -Path x && e",
      "line1\nNew-Item -ItemType File -Path '" + canary + "'\r\nline3",
      "\xC3\x9Cn\xC3\xAF \xE4\xB8\x96\xE7\x95\x8C \xF0\x9F\x9A\x80",
      "@{evil=1}; <# comment #> ${env:PATH}",
  };
  int reached_powershell = 0;
  int i = 0;
  for (const auto& evil : corpus) {
    SCOPED_TRACE(evil);
    VmSpec spec = testing::sample_spec("inject-" + std::to_string(++i), "web");
    spec.networks[0].switch_name = evil;
    spec.cloud_init = CloudInitSpec{"#cloud-config\n# " + evil + "\n", "", ""};
    auto response = call("PUT", "/v1/vms/" + spec.uid, json(spec).dump());
    ASSERT_TRUE(response.ok()) << response.error().message();
    const json body = json::parse(response->body);
    const std::string code = body.value("code", "");
    // Either the API's validation refuses the name, or pwsh looks it up as an exact string.
    EXPECT_TRUE(code == "InvalidSpec" || code == "SwitchNotFound") << response->body;
    if (code == "SwitchNotFound") {
      ++reached_powershell;
      EXPECT_NE(body.value("message", "").find(evil), std::string::npos) << response->body;
    }
    // User data goes into the seed ISO; with a valid switch it is just data too.
    spec.networks[0].switch_name = "lan";
    EXPECT_EQ(ensure(spec)["vm"]["state"], "Running");
  }
  EXPECT_GT(reached_powershell, 0);
  EXPECT_FALSE(std::filesystem::exists(canary));
  for (int n = 1; n <= i; ++n)
    expect("DELETE", "/v1/vms/inject-" + std::to_string(n), 200);
}

}  // namespace
}  // namespace hvo::agent
