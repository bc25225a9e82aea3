// apiserver-lite under load, on a private etcd: how many creates per second it sustains from
// one and from several clients, and how fast one writer's changes fan out to many watchers
// (1,000 objects x 10 watchers by default). Results are reported, never asserted.
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
  static std::unique_ptr<ControlPlane> shared = std::make_unique<ControlPlane>();
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
