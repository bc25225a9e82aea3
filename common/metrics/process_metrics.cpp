// register_process_metrics (declared in registry.h): the standard process_* families, refreshed
// from read_process_stats() by a collector at every scrape.
#include <spdlog/spdlog.h>

#include "common/metrics/process_stats.h"
#include "common/metrics/registry.h"

namespace hvo::metrics {

void register_process_metrics(Registry& registry) {
  Gauge& resident =
      registry.gauge("process_resident_memory_bytes", "Resident memory size in bytes.").with({});
  Gauge& virtual_memory =
      registry.gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.").with({});
  Counter& cpu =
      registry
          .counter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.")
          .with({});
  Gauge& open_fds = registry.gauge("process_open_fds", "Number of open file descriptors.").with({});
  Gauge& max_fds =
      registry.gauge("process_max_fds", "Maximum number of open file descriptors.").with({});
  Gauge& start_time = registry
                          .gauge("process_start_time_seconds",
                                 "Start time of the process since unix epoch in seconds.")
                          .with({});

  registry.add_collector([&resident, &virtual_memory, &cpu, &open_fds, &max_fds, &start_time] {
    const auto stats = read_process_stats();
    if (!stats.ok()) {
      spdlog::warn("process_metrics_unavailable error={}", stats.error().message());
      return;
    }
    resident.set(stats->resident_memory_bytes);
    virtual_memory.set(stats->virtual_memory_bytes);
    cpu.advance_to(stats->cpu_seconds);
    open_fds.set(stats->open_fds);
    max_fds.set(stats->max_fds);
    start_time.set(stats->start_time_seconds);
  });
}

}  // namespace hvo::metrics
