// The REST collections the controllers read and write.
#pragma once

#include "operator/resource.h"

namespace hvo::controllers {

inline const kube::GroupVersionResource kVirtualMachines{"hyperv.operator.io", "v1alpha1",
                                                         "virtualmachines", true};
inline const kube::GroupVersionResource kHyperVHosts{"hyperv.operator.io", "v1alpha1",
                                                     "hypervhosts", false};
inline const kube::GroupVersionResource kTenants{"hyperv.operator.io", "v1alpha1", "tenants",
                                                 false};
inline const kube::GroupVersionResource kQuotas{"hyperv.operator.io", "v1alpha1", "quotas", false};
inline const kube::GroupVersionResource kVirtualMachineMigrations{"hyperv.operator.io", "v1alpha1",
                                                                  "virtualmachinemigrations", true};
inline const kube::GroupVersionResource kNamespaces{"", "v1", "namespaces", false};
inline const kube::GroupVersionResource kSecrets{"", "v1", "secrets", true};
inline const kube::GroupVersionResource kRoleBindings{"rbac.authorization.k8s.io", "v1",
                                                      "rolebindings", true};

// Held on every VirtualMachine until the agent removed the VM and its quota was released.
inline constexpr const char* kVmFinalizer = "hyperv.operator.io/vm-protection";

}  // namespace hvo::controllers
