#include "tests/controllers/e2e/e2e_manifests.h"

#include <ctime>
#include <sstream>

#include "api/k8s/quantity.h"

namespace hvo::testing {

std::string tenant_yaml(const std::string& name, const std::vector<std::string>& allowed_switches) {
  std::ostringstream yaml;
  yaml << "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " << name
       << "\n  labels: {hyperv.operator.io/tenant: " << name << "}\n---\n"
       << "apiVersion: hyperv.operator.io/v1alpha1\nkind: Tenant\nmetadata:\n  name: " << name
       << "\nspec:\n  namespaces: [" << name << "]\n";
  if (!allowed_switches.empty()) {
    yaml << "  allowedSwitches: [";
    for (std::size_t i = 0; i < allowed_switches.size(); ++i)
      yaml << (i ? ", " : "") << allowed_switches[i];
    yaml << "]\n";
  }
  return yaml.str();
}

std::string quota_yaml(const std::string& name, const std::string& tenant, const QuotaHard& hard) {
  std::ostringstream yaml;
  yaml << "apiVersion: hyperv.operator.io/v1alpha1\nkind: Quota\nmetadata:\n  name: " << name
       << "\nspec:\n  tenant: " << tenant << "\n  hard:\n";
  if (hard.vcpus >= 0)
    yaml << "    vcpus: " << hard.vcpus << "\n";
  if (!hard.memory.empty())
    yaml << "    memory: " << hard.memory << "\n";
  if (hard.vms >= 0)
    yaml << "    vms: " << hard.vms << "\n";
  return yaml.str();
}

VmShape vm_shape(const std::string& name, const std::string& ns) {
  VmShape vm;
  vm.name = name;
  vm.ns = ns;
  return vm;
}

std::string vm_yaml(const VmShape& vm) {
  std::ostringstream yaml;
  yaml << "apiVersion: hyperv.operator.io/v1alpha1\nkind: VirtualMachine\nmetadata:\n  name: "
       << vm.name << "\n  namespace: " << vm.ns << "\nspec:\n";
  if (!vm.run_strategy.empty())
    yaml << "  runStrategy: " << vm.run_strategy << "\n";
  yaml << "  cpu: {count: " << vm.cpu << "}\n"
       << "  memory: {startup: " << vm.memory << "}\n"
       << "  image: " << vm.image << "\n"
       << "  networks:\n  - {name: lan, switch: " << vm.switch_name << "}\n";
  if (!vm.strategy.empty() || !vm.pinned_host.empty() || !vm.anti_affinity.empty()) {
    yaml << "  placement:\n";
    if (!vm.strategy.empty())
      yaml << "    strategy: " << vm.strategy << "\n";
    if (!vm.pinned_host.empty())
      yaml << "    host: " << vm.pinned_host << "\n";
    if (!vm.anti_affinity.empty())
      yaml << "    antiAffinityGroup: " << vm.anti_affinity << "\n";
    if (!vm.anti_affinity_topology.empty())
      yaml << "    antiAffinityTopology: " << vm.anti_affinity_topology << "\n";
  }
  return yaml.str();
}

std::string join_documents(const std::vector<std::string>& documents) {
  std::string joined;
  for (const auto& document : documents) {
    if (!joined.empty())
      joined += "\n---\n";
    joined += document;
  }
  return joined;
}

int64_t quantity_value(const nlohmann::json& value) {
  if (value.is_number_integer())
    return value.get<int64_t>();
  if (!value.is_string())
    return -1;
  auto parsed = k8s::Quantity::parse(value.get<std::string>());
  return parsed.ok() ? parsed->value() : -1;
}

std::string status_string(const nlohmann::json& object, const std::string& field) {
  if (!object.contains("status") || !object["status"].contains(field) ||
      !object["status"][field].is_string())
    return "";
  return object["status"][field].get<std::string>();
}

std::string rfc3339_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace hvo::testing
