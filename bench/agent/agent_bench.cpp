// Ensure overhead (the API's time for an idempotent PUT minus the sim driver's own time for the
// same ensure) and GET /v1/vms time, on a sim host holding 1,000 VMs. Targets: overhead < 5 ms,
// inventory < 50 ms. The sim keeps its VMs in memory here, so the figures are the agent's own
// work (parse, validate, seed, operation, JSON), not disk flushes.
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include <unistd.h>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "hostagent/protocol/vm_spec_validation.h"
#include "hostagent/server/agent_api.h"
#include "hostagent/server/metered_driver.h"

namespace hvo::agent {
namespace {

constexpr int kVms = 1000;

VmSpec spec_for(int i) {
  VmSpec spec;
  spec.uid = "bench-" + std::to_string(i);
  spec.name = "vm-" + std::to_string(i);
  spec.namespace_ = "bench";
  spec.cpu.count = 1;
  spec.memory.startup_bytes = 512 * kMiB;
  spec.image = "ubuntu-24.04";
  spec.disks = {{"os", 0, DiskSource::kImage}};
  spec.networks = {{"nic0", "lan", 40, ""}};
  spec.cloud_init = CloudInitSpec{"#cloud-config\nhostname: vm\n", "", ""};
  return spec;
}

// One agent (API, runner, sim) with kVms VMs, built once for all benchmarks.
// At least kMinTokenBytes: the agent refuses shorter tokens.
constexpr const char* kToken = "bench-token-0123456789abcdef0123456789";

struct Agent {
  Agent() {
    spdlog::set_level(spdlog::level::warn);  // one info line per ensure would dominate the timing
    dir =
        std::filesystem::temp_directory_path() / ("hvo-bench-agent-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "token") << kToken;
    SimConfig config;
    config.capacity = {4096, 1LL << 44, 1LL << 50};
    sim = std::move(SimDriver::open(config)).value();
    metrics = std::make_unique<AgentMetrics>(registry);
    metered = std::make_unique<MeteredDriver>(*sim, *metrics);
    service = std::make_unique<VmService>(*metered, SeedStore((dir / "seeds").string()));
    runner = std::make_unique<OperationRunner>(OperationRunner::Limits{4, 256, 1000});
    token = std::move(TokenFile::open((dir / "token").string())).value();
    ApiOptions options;
    options.operation_wait = std::chrono::seconds(60);
    api = std::make_unique<AgentApi>(*service, *runner, *token, registry, *metrics, options);
    for (int i = 0; i < kVms; ++i) {
      if (call("PUT", "/v1/vms/" + spec_for(i).uid, nlohmann::json(spec_for(i)).dump()).status !=
          200) {
        std::abort();
      }
    }
  }
  ~Agent() {
    runner.reset();
    std::filesystem::remove_all(dir);
  }

  net::HttpResponse call(const std::string& method, const std::string& path,
                         const std::string& body = "") {
    net::HttpRequest request;
    request.method = method;
    request.path = path;
    request.body = body;
    request.headers["Authorization"] = std::string("Bearer ") + kToken;
    return api->handle(request);
  }

  std::filesystem::path dir;
  metrics::Registry registry;
  std::unique_ptr<SimDriver> sim;
  std::unique_ptr<AgentMetrics> metrics;
  std::unique_ptr<MeteredDriver> metered;
  std::unique_ptr<VmService> service;
  std::unique_ptr<TokenFile> token;
  std::unique_ptr<AgentApi> api;
  std::unique_ptr<OperationRunner> runner;
};

Agent& agent() {
  static Agent instance;
  return instance;
}

// The driver's own time for an idempotent ensure (the baseline).
void BM_SimDriverEnsure(benchmark::State& state) {
  const VmSpec spec = spec_for(500);
  const std::string seed = (agent().dir / "seeds" / "x.iso").string();
  for (auto _ : state)
    benchmark::DoNotOptimize(agent().sim->ensure(spec, seed));
}
BENCHMARK(BM_SimDriverEnsure)->Unit(benchmark::kMicrosecond);

// The same ensure through the whole API: JSON parse, validation, seed ISO (already on disk:
// hashed and found), operation queue and wait, driver, JSON answer.
void BM_ApiEnsure(benchmark::State& state) {
  const VmSpec spec = spec_for(500);
  const std::string path = "/v1/vms/" + spec.uid;
  const std::string body = nlohmann::json(spec).dump();
  for (auto _ : state) {
    if (agent().call("PUT", path, body).status != 200)
      state.SkipWithError("ensure failed");
  }
}
BENCHMARK(BM_ApiEnsure)->Unit(benchmark::kMicrosecond);

void BM_ApiInventory1000(benchmark::State& state) {
  std::size_t bytes = 0;
  for (auto _ : state)
    bytes = agent().call("GET", "/v1/vms").body.size();
  state.counters["response_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_ApiInventory1000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace hvo::agent

BENCHMARK_MAIN();
