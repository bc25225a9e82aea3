// Semantic rules for HyperVHost.
#include "api/k8s/names.h"
#include "api/v1alpha1/validation.h"
#include "api/v1alpha1/validation_rules.h"

namespace hvo::api {

k8s::FieldErrors validate(const HyperVHost& host) {
  k8s::FieldErrors errors;
  const HyperVHostSpec& spec = host.spec;
  check_https_url(spec.address, "spec.address", errors);
  add_name_problems(k8s::check_dns1123_subdomain(spec.credentials_secret_ref.name),
                    spec.credentials_secret_ref.name, "spec.credentialsSecretRef.name", errors);
  add_name_problems(k8s::check_dns1123_label(spec.credentials_secret_ref.namespace_),
                    spec.credentials_secret_ref.namespace_, "spec.credentialsSecretRef.namespace",
                    errors);
  // The zone becomes a label value on the host's VMs, so it follows label syntax.
  add_name_problems(k8s::check_label_value(spec.zone), spec.zone, "spec.zone", errors);
  if (spec.reserved) {
    if (spec.reserved->cpu)
      check_not_negative(*spec.reserved->cpu, "spec.reserved.cpu", errors);
    if (spec.reserved->memory) {
      check_not_negative(*spec.reserved->memory, "spec.reserved.memory", errors);
    }
  }
  if (spec.overcommit.cpu_ratio < 1 || spec.overcommit.cpu_ratio > 16) {
    errors.push_back({"spec.overcommit.cpuRatio", "must be between 1 and 16, got " +
                                                      std::to_string(spec.overcommit.cpu_ratio)});
  }
  if (spec.overcommit.memory_ratio < 1 || spec.overcommit.memory_ratio > 2) {
    errors.push_back(
        {"spec.overcommit.memoryRatio",
         "must be between 1 and 2, got " + std::to_string(spec.overcommit.memory_ratio)});
  }
  return errors;
}

}  // namespace hvo::api
