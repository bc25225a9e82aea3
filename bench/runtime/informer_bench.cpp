// Informer throughput and cache footprint.
// - BM_InformerWatchEvents: events per second from a watch stream (JSON lines, as the API
//   server sends them) through the REST client's line parsing, the reflector, the store and an
//   enqueue-style handler on its listener thread.
// - BM_StoreMemoryPerObject: resident memory per cached VirtualMachine (JSON, as the informer
//   keeps it).
// - BM_DecodeVirtualMachine / BM_TypedMemoryPerObject: the cost of the typed lister's decode on
//   access, and what keeping decoded objects instead would cost in memory (typed_informer.h).
#include <benchmark/benchmark.h>

#include <malloc.h>
#include <unistd.h>
#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>

#include "common/metrics/registry.h"
#include "operator/informer.h"
#include "operator/rest_client.h"
#include "operator/store.h"
#include "operator/typed_informer.h"
#include "operator/typed_kinds.h"

namespace hvo::kube {
namespace {

const GroupVersionResource kVms{"hyperv.operator.io", "v1alpha1", "virtualmachines", true};

// A VirtualMachine as the API server returns it (the CRD's shape, so it also decodes).
nlohmann::json sample_vm(int i) {
  return {{"apiVersion", "hyperv.operator.io/v1alpha1"},
          {"kind", "VirtualMachine"},
          {"metadata",
           {{"name", "vm-" + std::to_string(i)},
            {"namespace", "tenant-" + std::to_string(i % 20)},
            {"uid", "3f1c2a9e-0000-4000-8000-" + std::to_string(100000000000 + i)},
            {"resourceVersion", std::to_string(1000 + i)},
            {"generation", 3},
            {"creationTimestamp", "2026-11-22T01:46:16Z"},
            {"labels", {{"hyperv.operator.io/tenant", "acme"}, {"tier", "web"}}},
            {"finalizers", {"hyperv.operator.io/vm-protection"}}}},
          {"spec",
           {{"cpu", {{"count", 4}}},
            {"memory", {{"startup", "8Gi"}}},
            {"image", "rocky-10"},
            {"runStrategy", "Always"},
            {"disks", {{{"name", "root"}, {"size", "40Gi"}}}},
            {"networks", {{{"name", "eth0"}, {"switch", "external"}, {"vlan", 120}}}}}},
          {"status",
           {{"phase", "Running"},
            {"host", "hv-0" + std::to_string(i % 8)},
            {"observedGeneration", 3},
            {"conditions",
             {{{"type", "Ready"},
               {"status", "True"},
               {"reason", "Running"},
               {"message", "running on its host"},
               {"lastTransitionTime", "2026-11-22T01:50:00Z"}}}}}}};
}

// An API server that lists nothing and then streams a prepared watch, like a busy cluster.
class SyntheticWatch final : public net::HttpClient {
 public:
  explicit SyntheticWatch(int events) {
    for (int i = 0; i < events; ++i) {
      lines_.push_back(nlohmann::json({{"type", i % 4 == 0 ? "ADDED" : "MODIFIED"},
                                       {"object", sample_vm(i % 2000)}})
                           .dump());
    }
  }
  Result<net::HttpResponse> send(const net::HttpRequest&) override {
    net::HttpResponse response;
    response.body = R"({"kind":"List","metadata":{"resourceVersion":"1"},"items":[]})";
    return response;
  }
  Result<net::HttpResponse> stream_lines(const net::HttpRequest&,
                                         const std::function<bool(std::string_view)>& on_line,
                                         std::shared_ptr<net::Cancellation> cancel,
                                         std::chrono::milliseconds) override {
    if (!streamed_.exchange(true)) {
      for (const std::string& line : lines_) {
        if (!on_line(line))
          return net::HttpResponse{};
      }
    }
    std::mutex mu;
    std::condition_variable cv;
    cancel->on_cancel([&] {
      std::lock_guard<std::mutex> lock(mu);
      cv.notify_all();
    });
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return cancel->cancelled(); });
    return net::HttpResponse{};
  }

 private:
  std::vector<std::string> lines_;
  std::atomic<bool> streamed_{false};
};

void BM_InformerWatchEvents(benchmark::State& state) {
  const int events = static_cast<int>(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    auto server = std::make_shared<SyntheticWatch>(events);
    metrics::Registry registry;
    RestClient client(server, "https://bench:6443", nullptr, registry);
    InformerOptions options;
    options.reflector.gvr = kVms;
    SharedInformer informer(client, options);
    informer.add_index("host", index_by_field("/status/host"));
    std::mutex mu;
    std::condition_variable cv;
    int handled = 0;
    informer.add_event_handlers(enqueue_keys([&](const std::string& key) {
      benchmark::DoNotOptimize(key.data());
      std::lock_guard<std::mutex> lock(mu);
      if (++handled == events)
        cv.notify_all();
    }));
    state.ResumeTiming();

    informer.start();
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return handled == events; });
    lock.unlock();

    state.PauseTiming();
    informer.stop();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * events);
}
BENCHMARK(BM_InformerWatchEvents)->Arg(20000)->Unit(benchmark::kMillisecond)->UseRealTime();

long resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  long total_pages = 0, resident_pages = 0;
  statm >> total_pages >> resident_pages;
  return resident_pages * sysconf(_SC_PAGESIZE);
}

// Bytes the allocator has handed out and not taken back. Unlike the resident size it does not
// depend on what earlier benchmarks freed (glibc keeps freed pages mapped for reuse), so the
// footprints below can be compared with each other.
long heap_bytes() {
  const struct mallinfo2 info = mallinfo2();
  return static_cast<long>(info.uordblks + info.hblkhd);
}

// bytes_per_object is heap in use; resident_per_object (the growth of the resident size) is kept
// for comparison with earlier figures, but it is lowered by pages the informer benchmark freed.
void BM_StoreMemoryPerObject(benchmark::State& state) {
  const int objects = static_cast<int>(state.range(0));
  double bytes_per_object = 0;
  double resident_per_object = 0;
  for (auto _ : state) {
    const long before = heap_bytes();
    const long resident_before = resident_bytes();
    {
      Store store;
      store.add_index("host", index_by_field("/status/host"));
      store.add_index("tenant", index_by_label("hyperv.operator.io/tenant"));
      for (int i = 0; i < objects; ++i) {
        auto object = std::make_shared<const nlohmann::json>(sample_vm(i));
        store.upsert(object_key(*object), object);
      }
      bytes_per_object = static_cast<double>(heap_bytes() - before) / objects;
      resident_per_object = static_cast<double>(resident_bytes() - resident_before) / objects;
      benchmark::DoNotOptimize(store.size());
    }
  }
  state.counters["bytes_per_object"] = bytes_per_object;
  state.counters["resident_per_object"] = resident_per_object;
  state.counters["json_bytes_per_object"] = static_cast<double>(sample_vm(1).dump().size());
}
BENCHMARK(BM_StoreMemoryPerObject)->Arg(50000)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_DecodeVirtualMachine(benchmark::State& state) {
  const nlohmann::json object = sample_vm(7);
  for (auto _ : state) {
    Result<api::VirtualMachine> vm = TypedLister<api::VirtualMachine>::decode(object);
    if (!vm.ok()) {
      state.SkipWithError(vm.error().message().c_str());
      return;
    }
    benchmark::DoNotOptimize(vm->spec.cpu.count);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeVirtualMachine)->Unit(benchmark::kMicrosecond);

// What a cache of decoded objects would hold: each keeps its raw JSON plus the typed fields.
void BM_TypedMemoryPerObject(benchmark::State& state) {
  const int objects = static_cast<int>(state.range(0));
  double bytes_per_object = 0;
  for (auto _ : state) {
    const long before = heap_bytes();
    {
      std::vector<api::VirtualMachine> decoded;
      decoded.reserve(objects);
      for (int i = 0; i < objects; ++i) {
        Result<api::VirtualMachine> vm = api::VirtualMachine::from_json(sample_vm(i));
        if (!vm.ok()) {
          state.SkipWithError(vm.error().message().c_str());
          return;
        }
        decoded.push_back(std::move(vm).value());
      }
      bytes_per_object = static_cast<double>(heap_bytes() - before) / objects;
      benchmark::DoNotOptimize(decoded.size());
    }
  }
  state.counters["bytes_per_object"] = bytes_per_object;
}
BENCHMARK(BM_TypedMemoryPerObject)->Arg(50000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace hvo::kube

BENCHMARK_MAIN();
