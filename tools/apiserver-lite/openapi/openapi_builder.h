// OpenAPI documents built from the served resources, as kubectl reads them:
// - v3: /openapi/v3 lists one document per group-version; each has PATCH operations carrying
//   x-kubernetes-group-version-kind and a fieldValidation parameter (so kubectl validates on
//   the server) and component schemas (the CRD schema for custom resources) for kubectl explain.
// - v2: one swagger 2.0 document with every definition and path (older clients' fallback).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/apiserver-lite/registry/resource_registry.h"

namespace hvo::apiserver {

// {"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=..."}, ...}}
nlohmann::json openapi_v3_index(const std::vector<ResourceTypePtr>& types);
// The document of "api/v1" or "apis/G/V"; nullopt when that group-version serves nothing.
std::optional<nlohmann::json> openapi_v3_document(const std::vector<ResourceTypePtr>& types,
                                                  const std::string& group_version_path);
nlohmann::json openapi_v2_document(const std::vector<ResourceTypePtr>& types);

}  // namespace hvo::apiserver
