// What the host monitor compares with a host's inventory, per VirtualMachine: a few status
// fields kept per host by a kube::Store observer, so a host poll reads O(VMs on that host) small
// records and never decodes (or, with a store that keeps objects serialized, parses) a VM.
// Fed in the same step as the VM cache (never behind it); the records are the cache's view,
// not this process's writes in flight.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/k8s/json_codec.h"
#include "operator/store.h"

namespace hvo::controllers {

// The fields of one cached VM that drift detection reads (inventory_drift.h).
struct VmObservation {
  std::string key;                        // "ns/name"
  std::string uid;                        // metadata.uid: the agent's inventory is keyed by it
  std::string host;                       // status.host; empty before placement
  std::string vm_id;                      // status.vmId; empty until the host created the VM
  std::string power_state;                // status.powerState
  std::vector<std::string> ip_addresses;  // status.ipAddresses
  bool deleting = false;                  // metadata.deletionTimestamp is set

  bool operator==(const VmObservation& other) const;
};

// Reads the fields straight from the VM's JSON (no decode); absent or mistyped fields read as
// empty.
VmObservation observe_vm(const std::string& key, const k8s::Json& vm);

class VmObservations {
 public:
  // Feeds the observations from the VM cache; register before the informer starts.
  kube::StoreObserver observer();

  // The VMs whose status.host is `host`, sorted by key.
  std::vector<VmObservation> on_host(const std::string& host) const;
  // Placed VMs observed, all hosts together.
  std::size_t size() const;

 private:
  void on_cache_change(const std::string& key, const kube::ObjectPtr& current);

  mutable std::mutex mu_;
  std::unordered_map<std::string, std::map<std::string, VmObservation>> by_host_;
  std::unordered_map<std::string, std::string> host_of_;  // key → host, placed VMs only
};

}  // namespace hvo::controllers
