// Semantic rules for Tenant.
#include <set>

#include "api/k8s/names.h"
#include "api/v1alpha1/validation.h"
#include "api/v1alpha1/validation_rules.h"

namespace hvo::api {

k8s::FieldErrors validate(const Tenant& tenant) {
  k8s::FieldErrors errors;
  const TenantSpec& spec = tenant.spec;
  if (spec.namespaces.empty())
    errors.push_back({"spec.namespaces", "must list at least one namespace"});
  for (std::size_t i = 0; i < spec.namespaces.size(); ++i) {
    add_name_problems(k8s::check_dns1123_label(spec.namespaces[i]), spec.namespaces[i],
                      k8s::index_path("spec.namespaces", i), errors);
  }
  check_unique(spec.namespaces, "spec.namespaces", "", errors);
  if (spec.admins) {
    for (std::size_t i = 0; i < spec.admins->users.size(); ++i) {
      if (spec.admins->users[i].empty()) {
        errors.push_back({k8s::index_path("spec.admins.users", i), "must not be empty"});
      }
    }
    for (std::size_t i = 0; i < spec.admins->groups.size(); ++i) {
      if (spec.admins->groups[i].empty()) {
        errors.push_back({k8s::index_path("spec.admins.groups", i), "must not be empty"});
      }
    }
  }
  if (spec.host_selector) {
    const k8s::FieldErrors selector_errors =
        k8s::validate(*spec.host_selector, "spec.hostSelector");
    errors.insert(errors.end(), selector_errors.begin(), selector_errors.end());
  }
  for (std::size_t i = 0; i < spec.allowed_switches.size(); ++i) {
    check_switch_name(spec.allowed_switches[i], k8s::index_path("spec.allowedSwitches", i), errors);
  }
  std::set<std::int32_t> vlans;
  for (std::size_t i = 0; i < spec.allowed_vlans.size(); ++i) {
    const std::string path = k8s::index_path("spec.allowedVlans", i);
    check_range(spec.allowed_vlans[i], 1, 4094, path, errors);
    if (!vlans.insert(spec.allowed_vlans[i]).second) {
      errors.push_back({path, "duplicate value " + std::to_string(spec.allowed_vlans[i])});
    }
  }
  for (std::size_t i = 0; i < spec.allowed_images.size(); ++i) {
    check_image_name(spec.allowed_images[i], k8s::index_path("spec.allowedImages", i), errors);
  }
  return errors;
}

}  // namespace hvo::api
