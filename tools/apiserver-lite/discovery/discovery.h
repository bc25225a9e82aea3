// Legacy discovery documents built from the registry: /api (APIVersions), /apis (APIGroupList),
// /apis/G (APIGroup), /api/v1 and /apis/G/V (APIResourceList with a PLURAL/status entry per status
// subresource), and /version. kubectl falls back to these from aggregated discovery.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/apiserver-lite/registry/resource_registry.h"

namespace hvo::apiserver {

// The Kubernetes version the emulator reports (kubectl picks its client by it).
inline constexpr const char* kKubernetesVersion = "v1.32.3";

nlohmann::json api_versions_document(const std::string& server_address);
nlohmann::json api_group_list_document(const std::vector<ResourceTypePtr>& types);
// nullopt when no resource of the group is served.
std::optional<nlohmann::json> api_group_document(const std::vector<ResourceTypePtr>& types,
                                                 const std::string& group);
// nullopt when the group/version serves nothing.
std::optional<nlohmann::json> api_resource_list_document(const std::vector<ResourceTypePtr>& types,
                                                         const std::string& group,
                                                         const std::string& version);
nlohmann::json version_document();

}  // namespace hvo::apiserver
