// What the real server does to a custom resource with its CRD's structural schema before
// storing it: unknown fields are pruned (reported per fieldValidation: Ignore, Warn, Strict =
// 400), schema defaults are applied, and the result is validated (422 naming each field): first
// by the schema's keywords, then by its CEL rules (x-kubernetes-validations, cel/cel_validation.h;
// `old` is the stored object on update and patch, for transition rules and ratcheting).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/apiserver-lite/registry/resource_type.h"

namespace hvo::apiserver {

enum class FieldValidation { kIgnore, kWarn, kStrict };

// Throws ApiError (400) for a value other than Ignore, Warn, Strict or empty (= Warn).
FieldValidation parse_field_validation(const std::string& value);

// Prunes, defaults and validates `object` in place. Returns warnings for the client; throws
// ApiError 400 (unknown fields under Strict) or 422 (schema violations).
std::vector<std::string> admit_custom_resource(const ResourceType& type, nlohmann::json& object,
                                               FieldValidation mode,
                                               const nlohmann::json* old = nullptr);

}  // namespace hvo::apiserver
