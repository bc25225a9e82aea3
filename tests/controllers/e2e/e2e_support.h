// Readings of VirtualMachine objects that every end-to-end test makes, over OperatorCluster.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "tests/controllers/e2e/e2e_manifests.h"
#include "tests/support/operator_cluster.h"

namespace hvo::testing {

inline constexpr const char* kVms = "virtualmachines";

// The VM as stored, or an empty object when it does not exist.
inline nlohmann::json vm_object(OperatorCluster& cluster, const std::string& ns,
                                const std::string& name) {
  auto vm = cluster.get(kVms, ns, name);
  return vm ? *vm : nlohmann::json::object();
}

inline bool vm_ready(OperatorCluster& cluster, const std::string& ns, const std::string& name) {
  return condition_is(vm_object(cluster, ns, name), "Ready", "True");
}

inline std::string vm_uid(OperatorCluster& cluster, const std::string& ns,
                          const std::string& name) {
  return vm_object(cluster, ns, name).value("metadata", nlohmann::json::object()).value("uid", "");
}

// For failure messages: the VM's status, or why there is none.
inline std::string vm_status_text(OperatorCluster& cluster, const std::string& ns,
                                  const std::string& name) {
  auto vm = cluster.get(kVms, ns, name);
  if (!vm)
    return ns + "/" + name + " does not exist";
  return ns + "/" + name + " status: " + vm->value("status", nlohmann::json::object()).dump();
}

// The power state the agent holding `uid` reports ("" when no agent holds it).
inline std::string agent_state(OperatorCluster& cluster, const std::string& uid) {
  for (std::size_t i = 0; i < cluster.agent_count(); ++i) {
    if (auto vm = cluster.agent(i).vm(uid))
      return vm->value("state", "");
  }
  return "";
}

}  // namespace hvo::testing
