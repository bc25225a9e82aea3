// Settings of the simulated host: its capacity and catalogue, how long its VMs take to change
// state, and the failures tests inject.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hostagent/protocol/host_info.h"

namespace hvo::agent {

struct SimLatencies {
  int64_t create_ms = 0;   // time New-VM takes (the call blocks)
  int64_t start_ms = 0;    // Starting → Running (observed lazily, the call returns at once)
  int64_t stop_ms = 0;     // Stopping → Off
  int64_t migrate_ms = 0;  // how long a live migration copies before the hand-over
};

// Failures the sim host produces on purpose.
struct SimFaults {
  double create_failure_ratio = 0.0;  // share of VM creations that fail with DriverError
  std::set<std::string> failing_vms;  // every call about these uids fails with DriverError
  bool host_down = false;             // every call fails with HostUnavailable
  // One-shot crash between "VM created" and "VM configured" for these uids: ensure returns
  // DriverError after the VM exists; the next ensure must converge it without a second VM.
  std::set<std::string> crash_after_create;
  uint32_t seed = 1;  // of the random draws for create_failure_ratio
  // Guests that ignore a graceful shutdown: the VM keeps Stopping until the request's timeout
  // and is then turned off, as the hyperv driver does with a guest that does not answer.
  std::set<std::string> ignore_shutdown;
  // Live migrations of these uids fail halfway (after the copy reached 50 %): the VM stays on
  // this host as it was, as Move-VM leaves it after a failed move.
  std::set<std::string> fail_migration;
};

// A hand edit on the host (POST /v1/sim/vms/{uid}/edit): each field set is overwritten.
struct SimEdit {
  std::optional<int64_t> cpu_count;
  std::optional<int64_t> memory_startup_bytes;
  std::map<std::string, std::optional<int64_t>> nic_vlans;  // nic name → VLAN (none: untagged)
  std::map<std::string, int64_t> disk_sizes;                // disk name → bytes
};

struct SimConfig {
  std::string host_name = "sim-host";
  HostResources capacity{64, 256LL << 30, 4LL << 40};
  std::vector<SwitchInfo> switches{{"lan", "External"}};
  std::vector<ImageInfo> images{{"ubuntu-24.04", 3LL << 30}};
  int64_t unmanaged_vm_count = 0;  // foreign VMs the host pretends to carry
  std::string vm_dir = "C:\\ProgramData\\hyperv-agent\\vms";  // disk paths reported
  std::string state_file;                                     // empty: VMs live in memory only
  // Folder shared with the other sim agents VMs migrate between (sim_fabric.h); empty: this host
  // neither sends nor receives migrations.
  std::string fabric_dir;
  SimLatencies latencies;
  SimFaults faults;
};

}  // namespace hvo::agent
