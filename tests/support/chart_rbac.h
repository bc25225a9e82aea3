// The operator's RBAC exactly as its Helm chart installs it, for end-to-end tests that run the
// operator under RBAC: `helm template` (the repository's .tools/bin/helm, or helm from PATH)
// renders the chart's ClusterRole + ClusterRoleBinding, the tenant-admin ClusterRole and the
// leader-election Role + RoleBinding for release `hyperv-operator` in `hyperv-system`. A grant
// the chart forgets is then a 403 in the suite.
#pragma once

#include <string>
#include <vector>

namespace hvo::testing {

inline constexpr const char* kOperatorNamespace = "hyperv-system";
// The chart's ServiceAccount (release hyperv-operator) as a user name, and its groups.
inline constexpr const char* kOperatorUser = "system:serviceaccount:hyperv-system:hyperv-operator";
std::vector<std::string> operator_groups();

// The rendered YAML documents. Throws std::runtime_error (with helm's stderr) when it fails.
std::string render_chart_rbac();

}  // namespace hvo::testing
