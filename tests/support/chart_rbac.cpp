#include "tests/support/chart_rbac.h"

#include <unistd.h>

#include <stdexcept>

#include "common/process/process.h"

namespace hvo::testing {

std::vector<std::string> operator_groups() {
  return {"system:serviceaccounts", std::string("system:serviceaccounts:") + kOperatorNamespace};
}

std::string render_chart_rbac() {
  const std::string source = HVO_SOURCE_DIR;
  std::string helm = source + "/.tools/bin/helm";
  if (::access(helm.c_str(), X_OK) != 0)
    helm = "helm";
  process::Options options;
  options.argv = {helm,
                  "template",
                  "hyperv-operator",
                  source + "/charts/hyperv-operator",
                  "--namespace",
                  kOperatorNamespace,
                  "--show-only",
                  "templates/clusterrole.yaml",
                  "--show-only",
                  "templates/clusterrole-tenant-admin.yaml",
                  "--show-only",
                  "templates/role-leader-election.yaml"};
  options.std_out = process::Stdio::pipe();
  options.std_err = process::Stdio::pipe();
  auto child = process::Process::spawn(options);
  if (!child.ok())
    throw std::runtime_error("helm template: " + child.error().message());
  auto output = child->communicate("", std::chrono::seconds(60));
  if (!output.ok())
    throw std::runtime_error("helm template did not finish: " + output.error().message());
  auto status = child->wait();
  if (!status.ok() || status->code != 0)
    throw std::runtime_error("helm template failed: " + output->err);
  return output->out;
}

}  // namespace hvo::testing
