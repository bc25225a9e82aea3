// The bootstrap RBAC objects kube-apiserver creates at start-up when absent (bootstrappolicy):
// cluster-admin bound to system:masters; the user-facing admin/edit/view, aggregated from
// system:aggregate-to-admin/-edit/-view by the `rbac.authorization.k8s.io/aggregate-to-*`
// labels; system:basic-user (self access and rules reviews), system:discovery and
// system:public-info-viewer with their bindings to system:authenticated (and, for the public
// paths, system:unauthenticated); system:monitoring, unbound. Only the roles the emulator's clients
// need, with upstream's names, labels and rules.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

namespace hvo::apiserver::authz {

std::vector<nlohmann::json> bootstrap_cluster_roles();
std::vector<nlohmann::json> bootstrap_cluster_role_bindings();

}  // namespace hvo::apiserver::authz
