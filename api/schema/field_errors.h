// Builders for FieldError shaped exactly like k8s.io/apimachinery's field.Error (reason, field
// path, and the message ErrorBody() prints), so API clients see the same causes as from a real
// API server: "Required value", "Unsupported value: ...", "Invalid value: ...".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/schema/structural_schema.h"

namespace hvo::schema {

// Field paths as Kubernetes prints them: "spec" + "cpu" -> "spec.cpu", index 1 -> "spec.disks[1]".
std::string child_path(const std::string& parent, const std::string& name);
std::string index_path(const std::string& parent, size_t index);

// A value as Go's field errors print it: strings quoted ("\"abc\""), numbers and booleans bare,
// null as null, objects and arrays as compact JSON.
std::string format_value(const nlohmann::json& value);
// A number as Go's %v prints a float64: 1 -> "1", 0.5 -> "0.5".
std::string format_number(double value);
// Go's strconv.Quote for the strings we produce (escapes quotes, backslashes, control chars).
std::string quote(const std::string& text);

FieldError required(const std::string& path);
FieldError not_supported(const std::string& path, const nlohmann::json& value,
                         const std::vector<nlohmann::json>& supported);
FieldError invalid(const std::string& path, const nlohmann::json& value, const std::string& detail);
FieldError type_invalid(const std::string& path, const nlohmann::json& value,
                        const std::string& detail);
FieldError too_long(const std::string& path, int64_t max_length);
FieldError too_many(const std::string& path, int64_t actual, int64_t max_items);
FieldError duplicate(const std::string& path, const nlohmann::json& value);
FieldError forbidden(const std::string& path, const std::string& detail);

}  // namespace hvo::schema
