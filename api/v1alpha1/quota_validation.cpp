// Semantic rules for Quota.
#include "api/k8s/names.h"
#include "api/v1alpha1/validation.h"
#include "api/v1alpha1/validation_rules.h"

namespace hvo::api {

k8s::FieldErrors validate(const Quota& quota) {
  k8s::FieldErrors errors;
  const QuotaSpec& spec = quota.spec;
  add_name_problems(k8s::check_dns1123_subdomain(spec.tenant), spec.tenant, "spec.tenant", errors);
  if (spec.hard.vcpus)
    check_not_negative(*spec.hard.vcpus, "spec.hard.vcpus", errors);
  if (spec.hard.memory)
    check_not_negative(*spec.hard.memory, "spec.hard.memory", errors);
  if (spec.hard.storage)
    check_not_negative(*spec.hard.storage, "spec.hard.storage", errors);
  if (spec.hard.vms)
    check_not_negative(*spec.hard.vms, "spec.hard.vms", errors);
  if (spec.host_selector) {
    const k8s::FieldErrors selector_errors =
        k8s::validate(*spec.host_selector, "spec.hostSelector");
    errors.insert(errors.end(), selector_errors.begin(), selector_errors.end());
  }
  return errors;
}

}  // namespace hvo::api
