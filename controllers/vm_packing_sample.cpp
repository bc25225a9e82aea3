#include "controllers/vm_packing_sample.h"

namespace hvo::controllers {
namespace {

// Condition order and words as VirtualMachineReconciler writes them for a running VM; the
// trailing condition fields come last because deflate reaches the end of its dictionary best.
constexpr const char* kSample = R"({
 "apiVersion": "hyperv.operator.io/v1alpha1", "kind": "VirtualMachine",
 "metadata": {"creationTimestamp": "2026-01-01T00:00:00Z",
  "finalizers": ["hyperv.operator.io/vm-protection"], "generation": 1, "name": "vm-1",
  "namespace": "default", "resourceVersion": "1000",
  "uid": "00000000-0000-0000-0000-000000000000"},
 "spec": {"cpu": {"count": 1}, "memory": {"startup": "512Mi"}, "image": "ubuntu-24.04",
  "runStrategy": "Always", "disks": [{"name": "os", "source": "image", "size": "20Gi"}],
  "networks": [{"name": "lan", "switch": "external"}]},
 "status": {"allocated": {"cpu": 1, "memory": "512Mi", "storage": "0"},
  "host": "hv-01", "ipAddresses": ["10.0.0.1"], "observedGeneration": 1, "phase": "Running",
  "powerState": "Running", "vmId": "00000000-0000-0000-0000-000000000000",
  "conditions": [
   {"lastTransitionTime": "2026-01-01T00:00:00Z",
    "message": "The VM's resources are reserved in quota.", "observedGeneration": 1,
    "reason": "Reserved", "status": "True", "type": "QuotaReserved"},
   {"lastTransitionTime": "2026-01-01T00:00:00Z", "message": "Placed on host hv-01.",
    "observedGeneration": 1, "reason": "Scheduled", "status": "True", "type": "Scheduled"},
   {"lastTransitionTime": "2026-01-01T00:00:00Z", "message": "The agent on hv-01 answers.",
    "observedGeneration": 1, "reason": "HostReachable", "status": "True",
    "type": "HostReachable"},
   {"lastTransitionTime": "2026-01-01T00:00:00Z", "message": "The VM exists on hv-01.",
    "observedGeneration": 1, "reason": "Provisioned", "status": "True", "type": "Provisioned"},
   {"lastTransitionTime": "2026-01-01T00:00:00Z", "message": "Running on hv-01.",
    "observedGeneration": 1, "reason": "Running", "status": "True", "type": "Ready"},
   {"lastTransitionTime": "2026-01-01T00:00:00Z", "message": "", "observedGeneration": 1,
    "reason": "Reconciled", "status": "False", "type": "Reconciling"},
   {"lastTransitionTime": "2026-01-01T00:00:00Z", "message": "", "observedGeneration": 1,
    "reason": "NotStalled", "status": "False", "type": "Stalled"},
   {"lastTransitionTime": "2026-01-01T00:00:00Z", "message": "", "observedGeneration": 1,
    "reason": "UpToDate", "status": "False", "type": "RestartRequired"}]}
})";

}  // namespace

const nlohmann::json& vm_packing_sample() {
  static const nlohmann::json sample = nlohmann::json::parse(kSample);
  return sample;
}

}  // namespace hvo::controllers
