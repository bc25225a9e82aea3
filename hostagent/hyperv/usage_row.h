// One row of usage.ps1 (Measure-VM's report for a managed VM, in bytes and seconds) turned into
// the agent's VmUsage. The VM's Kubernetes namespace and name come from its name on the host,
// "<namespace>.<name>" (VmSpec::host_vm_name, set when the agent created it; namespaces carry no
// dots): the owner marker in Notes holds only the uid, and this reading works for every VM the
// agent ever made. A name cut to Hyper-V's 100 characters keeps its "~<uid prefix>" ending, and a
// VM renamed by hand reports what it is called now.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "hostagent/driver/vm_usage.h"

namespace hvo::agent {

// nullopt for a row without our owner marker or with an error (that VM is left out).
std::optional<VmUsage> usage_row(const nlohmann::json& row);

}  // namespace hvo::agent
