// apiserver-lite under load, on a private etcd: how many creates per second it sustains from
// one and from several clients, how many VirtualMachine creates and status updates (the writes a
// VM rollout needs) per second, and how fast one writer's changes fan out to many watchers
// (1,000 objects x 10 watchers by default). Results are reported, never asserted.
//
// The VirtualMachine figures are the emulator + etcd ceiling a rollout runs against: the
// operator cannot make a VM Ready faster than the emulator accepts the writes that needs
// (docs/benchmarks.md).
#include <benchmark/benchmark.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/control_plane.h"

namespace {

using hvo::testing::ControlPlane;
using nlohmann::json;

ControlPlane& plane() {
  static std::unique_ptr<ControlPlane> shared = [] {
    hvo::testing::ControlPlaneOptions options;
    options.apply_project_crds = true;  // the VirtualMachine benchmarks need the CRD
    return std::make_unique<ControlPlane>(options);
  }();
  return *shared;
}

std::string fresh_namespace() {
  static std::atomic<int> counter{0};
  const std::string name = "bench-" + std::to_string(counter++);
  auto client = plane().http_client();
  auto created = client->send(
      plane().request("POST", "/api/v1/namespaces", json{{"metadata", {{"name", name}}}}.dump()));
  if (!created.ok() || created->status != 201) {
    throw std::runtime_error("bench: cannot create namespace " + name);
  }
  return name;
}

// Creates `count` ConfigMaps in `ns` from `clients` threads; returns how many succeeded.
int create_config_maps(const std::string& ns, int count, int clients) {
  std::atomic<int> next{0};
  std::atomic<int> created{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&] {
      auto client = plane().http_client();
      for (int i = next++; i < count; i = next++) {
        const json body = {{"metadata", {{"name", "cm-" + std::to_string(i)}}},
                           {"data", {{"index", std::to_string(i)}}}};
        auto response = client->send(
            plane().request("POST", "/api/v1/namespaces/" + ns + "/configmaps", body.dump()));
        if (response.ok() && response->status == 201)
          ++created;
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  return created;
}

void BM_Creates(benchmark::State& state) {
  const int clients = static_cast<int>(state.range(0));
  constexpr int kObjects = 500;
  int64_t total = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string ns = fresh_namespace();
    state.ResumeTiming();
    total += create_config_maps(ns, kObjects, clients);
  }
  state.SetItemsProcessed(total);
  state.counters["creates_per_s"] =
      benchmark::Counter(static_cast<double>(total), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Creates)->Arg(1)->Arg(8)->Iterations(2)->UseRealTime()->Unit(benchmark::kMillisecond);

// Runs `body(client, i)` for i in [0, count) from `clients` threads; returns how many returned
// true.
template <typename Body>
int run_parallel(int count, int clients, const Body& body) {
  std::atomic<int> next{0};
  std::atomic<int> succeeded{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&] {
      auto client = plane().http_client();
      for (int i = next++; i < count; i = next++) {
        if (body(*client, i))
          ++succeeded;
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  return succeeded;
}

const std::string kVmApi = "/apis/hyperv.operator.io/v1alpha1/namespaces/";

// The VirtualMachine bench/scale/vm_rollout.sh applies.
json vm_body(const std::string& ns, int i) {
  return {{"apiVersion", "hyperv.operator.io/v1alpha1"},
          {"kind", "VirtualMachine"},
          {"metadata", {{"name", "vm-" + std::to_string(i)}, {"namespace", ns}}},
          {"spec",
           {{"cpu", {{"count", 1}}},
            {"memory", {{"startup", "512Mi"}}},
            {"image", "rocky-9"},
            {"networks", json::array({{{"name", "lan"}, {"switch", "external"}}})}}}};
}

// Creates `count` VirtualMachines; returns their resourceVersions by index ("" when it failed).
std::vector<std::string> create_vms(const std::string& ns, int count, int clients) {
  std::vector<std::string> versions(static_cast<size_t>(count));
  run_parallel(count, clients, [&](hvo::net::HttpClient& client, int i) {
    auto response = client.send(
        plane().request("POST", kVmApi + ns + "/virtualmachines", vm_body(ns, i).dump()));
    if (!response.ok() || response->status != 201)
      return false;
    versions[static_cast<size_t>(i)] =
        json::parse(response->body)["metadata"]["resourceVersion"].get<std::string>();
    return true;
  });
  return versions;
}

void BM_VirtualMachineCreates(benchmark::State& state) {
  const int clients = static_cast<int>(state.range(0));
  constexpr int kObjects = 500;
  int64_t total = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string ns = fresh_namespace();
    state.ResumeTiming();
    for (const auto& version : create_vms(ns, kObjects, clients))
      total += version.empty() ? 0 : 1;
  }
  state.SetItemsProcessed(total);
  state.counters["creates_per_s"] =
      benchmark::Counter(static_cast<double>(total), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_VirtualMachineCreates)
    ->Arg(1)
    ->Arg(8)
    ->Iterations(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// PUT .../status with a Ready condition, guarded by resourceVersion like the operator's status
// writes: the write a rollout needs most of.
void BM_VirtualMachineStatusUpdates(benchmark::State& state) {
  const int clients = static_cast<int>(state.range(0));
  constexpr int kObjects = 500;
  int64_t total = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string ns = fresh_namespace();
    const auto versions = create_vms(ns, kObjects, 8);
    state.ResumeTiming();
    total += run_parallel(kObjects, clients, [&](hvo::net::HttpClient& client, int i) {
      const auto& version = versions[static_cast<size_t>(i)];
      if (version.empty())
        return false;
      json vm = vm_body(ns, i);
      vm["metadata"]["resourceVersion"] = version;
      vm["status"] = {
          {"phase", "Running"},
          {"host", "hv-01"},
          {"conditions", json::array({{{"type", "Ready"},
                                       {"status", "True"},
                                       {"reason", "Running"},
                                       {"message", "the VM runs"},
                                       {"lastTransitionTime", "2026-01-01T00:00:00Z"}}})}};
      auto response = client.send(plane().request(
          "PUT", kVmApi + ns + "/virtualmachines/vm-" + std::to_string(i) + "/status", vm.dump()));
      return response.ok() && response->status == 200;
    });
  }
  if (total == 0)
    state.SkipWithError("no status update succeeded (is the status valid for the CRD?)");
  state.SetItemsProcessed(total);
  state.counters["writes_per_s"] =
      benchmark::Counter(static_cast<double>(total), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_VirtualMachineStatusUpdates)
    ->Arg(1)
    ->Arg(8)
    ->Iterations(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_WatchFanOut(benchmark::State& state) {
  const int watchers = static_cast<int>(state.range(0));
  const int objects = static_cast<int>(state.range(1));
  int64_t delivered_total = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string ns = fresh_namespace();
    std::atomic<int> delivered{0};
    std::atomic<int> ready{0};
    std::vector<std::shared_ptr<hvo::net::Cancellation>> cancels;
    std::vector<std::thread> readers;
    for (int w = 0; w < watchers; ++w) {
      auto cancel = std::make_shared<hvo::net::Cancellation>();
      cancels.push_back(cancel);
      readers.emplace_back([&, cancel] {
        auto client = plane().http_client();
        auto request = plane().request(
            "GET", "/api/v1/namespaces/" + ns + "/configmaps?watch=1&allowWatchBookmarks=true");
        int seen = 0;
        ++ready;
        // The reader stops after `objects` events; a broken stream shows as missing events.
        static_cast<void>(client->stream_lines(
            request,
            [&](std::string_view line) {
              if (line.find("\"ADDED\"") != std::string_view::npos) {
                ++delivered;
                ++seen;
              }
              return seen < objects;
            },
            cancel, std::chrono::minutes(2)));
      });
    }
    while (ready < watchers)
      std::this_thread::yield();
    // Give every watch time to be registered before the first write.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    state.ResumeTiming();
    create_config_maps(ns, objects, 8);
    for (auto& reader : readers)
      reader.join();
    state.PauseTiming();
    delivered_total += delivered;
    state.ResumeTiming();
  }
  state.SetItemsProcessed(delivered_total);
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(delivered_total), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_WatchFanOut)
    ->Args({10, 1000})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
