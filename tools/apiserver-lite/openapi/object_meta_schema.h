// The OpenAPI schema of metav1.ObjectMeta (the fields clients read and kubectl explain shows),
// shared by the v2 and v3 documents under its upstream definition name.
#pragma once

#include <nlohmann/json.hpp>

namespace hvo::apiserver {

inline constexpr const char* kObjectMetaName = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

nlohmann::json object_meta_schema();

}  // namespace hvo::apiserver
