// JSON merge patch (RFC 7386) and JSON patch (RFC 6902) on objects, as the PATCH verb applies
// them with application/merge-patch+json and application/json-patch+json.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace hvo::apiserver {

// kInvalidArgument when `patch` is not a JSON object.
Result<nlohmann::json> apply_merge_patch(const nlohmann::json& target, const nlohmann::json& patch);
// kInvalidArgument naming the failing operation (bad path, failed test, not an array).
Result<nlohmann::json> apply_json_patch(const nlohmann::json& target, const nlohmann::json& patch);

}  // namespace hvo::apiserver
